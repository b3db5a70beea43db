/**
 * The seam between the engine and a 2-D layout algorithm. umap-js sits behind it today; a faster engine
 * replaces it later without touching the worker wiring or the callers.
 */
import type { LayoutMethod } from '../../shared/model/dataset.js';

/** Row-major float32 matrix: row i is `data[i*cols .. (i+1)*cols)`. */
export interface ProjectionInput {
  data: Float32Array;
  rows: number;
  cols: number;
}

export interface ProjectionParams {
  /** Neighbourhood size; reduced to rows-1 when there are too few rows. Default 15. */
  nNeighbors?: number;
  /** How tightly points may pack in 2-D. Default 0.1. */
  minDist?: number;
  /** Seed of the PRNG: same seed and input give an identical layout. Default 42. */
  seed?: number;
  /** Optimisation epochs; default depends on the row count (500 up to 2,500 rows ... 200 above 7,500). */
  nEpochs?: number;
}

/** The stage a run is in: the neighbour graph is one long silent step before the epochs start. */
export type ProjectionStage = 'neighbors' | 'layout';

export interface ProjectionHooks {
  onStage?(stage: ProjectionStage): void;
  /** Called after every epoch, and once with epoch 0 before the neighbour graph is built. */
  onProgress?(epoch: number, totalEpochs: number): void;
  /** About every 10% of the epochs: a fresh normalised layout the receiver may keep (or transfer). */
  onPreview?(xy: Float32Array): void;
  /** Polled between epochs; true makes the run throw an AbortError. */
  shouldStop?(): boolean;
}

export interface Projector {
  readonly method: LayoutMethod;
  /** Interleaved x,y (length 2*rows), normalised so the layout fits in [-1, 1] on its longer side. */
  project(input: ProjectionInput, params: ProjectionParams, hooks: ProjectionHooks): Promise<Float32Array>;
}
