/**
 * The seam between the engine and a 2-D layout algorithm (our own UMAP in umap/, t-SNE in tsne/): an algorithm
 * plugs in here without touching the worker wiring or the callers.
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
  /** Optimisation epochs; default 500 up to 10,000 rows, 200 above (umap-learn's defaults). */
  nEpochs?: number;
  /** Distance in the input space. Default 'euclidean'. */
  metric?: 'euclidean' | 'cosine';
  /**
   * Threads for the neighbour graph and the epochs; default 1 below 4,096 rows, else the available cores.
   * With 1 thread a seed gives an identical layout; with more, the epochs race (Hogwild) and layouts vary slightly.
   */
  threads?: number;
  /** t-SNE: effective neighbour count of the input affinities. Default 30; reduced when rows are few (see resolveTsneParams). */
  perplexity?: number;
  /** t-SNE: factor on the affinities during the first 250 iterations. Default 12. */
  earlyExaggeration?: number;
  /** t-SNE: gradient-descent step; 'auto' (default) is max(rows / earlyExaggeration / 4, 50), as scikit-learn. */
  learningRate?: number | 'auto';
  /** t-SNE: total iterations, early exaggeration included. Default 1000. */
  nIter?: number;
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
