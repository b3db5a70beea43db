/**
 * UMAP via umap-js as a pure, synchronous function: testable without a worker, run inside one by umap.worker.ts.
 */
import { UMAP } from 'umap-js';
import { createAbortError } from './errors.js';
import { assertFiniteRows, assertInputShape } from './input-checks.js';
import { normalizeLayout } from './normalize-layout.js';
import { mulberry32 } from './prng.js';
import type { ProjectionHooks, ProjectionInput, ProjectionParams, Projector } from './types.js';

/** Below this many rows UMAP has no neighbourhood to speak of; such rows get a fixed layout instead. */
export const MIN_UMAP_ROWS = 4;
const PREVIEW_COUNT = 10;

export interface ResolvedUmapParams {
  nNeighbors: number;
  minDist: number;
  seed: number;
  nEpochs: number;
}

/** The parameters a run with `rows` rows actually uses: what the engine records in LayoutInfo.params. */
export function resolveUmapParams(rows: number, params: ProjectionParams): ResolvedUmapParams {
  const requestedNeighbors = params.nNeighbors ?? 15;
  const minDist = params.minDist ?? 0.1;
  const seed = params.seed ?? 42;
  if (!Number.isInteger(requestedNeighbors) || requestedNeighbors < 2) {
    throw new RangeError(`nNeighbors must be an integer of at least 2, got ${requestedNeighbors}`);
  }
  if (!Number.isFinite(minDist) || minDist < 0) throw new RangeError(`minDist must be >= 0, got ${minDist}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (params.nEpochs !== undefined && (!Number.isInteger(params.nEpochs) || params.nEpochs < 1)) {
    throw new RangeError(`nEpochs must be a positive integer, got ${params.nEpochs}`);
  }
  return {
    // umap-js needs strictly more rows than neighbours.
    nNeighbors: Math.max(1, Math.min(requestedNeighbors, rows - 1)),
    minDist,
    seed,
    nEpochs: params.nEpochs ?? defaultEpochs(rows),
  };
}

/** umap-js's own default, made explicit so the total is known before the neighbour graph exists. */
function defaultEpochs(rows: number): number {
  if (rows <= 2500) return 500;
  if (rows <= 5000) return 400;
  if (rows <= 7500) return 300;
  return 200;
}

/**
 * Lays out `rows` vectors in 2-D. Returns interleaved x,y (length 2*rows) normalised so the longer side spans
 * [-1, 1] (see normalizeLayout). 0 rows give an empty array; 1 to 3 rows a fixed layout on a circle of radius 0.5
 * (no hooks are called for either). Throws NonFiniteRowsError for NaN/±Infinity, RangeError for a bad shape or
 * parameter, and an AbortError when `shouldStop` says so. Deterministic for a given seed.
 */
export function computeUmap(input: ProjectionInput, params: ProjectionParams, hooks: ProjectionHooks = {}): Float32Array {
  assertInputShape(input);
  const { rows } = input;
  const resolved = resolveUmapParams(Math.max(rows, MIN_UMAP_ROWS), params);
  if (rows < MIN_UMAP_ROWS) return circleLayout(rows);
  assertFiniteRows(input);
  throwIfStopped(hooks);

  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: resolved.nNeighbors,
    minDist: resolved.minDist,
    nEpochs: resolved.nEpochs,
    random: mulberry32(resolved.seed),
    distanceFn: euclidean,
  });
  hooks.onStage?.('neighbors');
  hooks.onProgress?.(0, resolved.nEpochs);
  const totalEpochs = umap.initializeFit(toRowArrays(input));
  hooks.onStage?.('layout');

  const previewEveryEpochs = Math.max(1, Math.round(totalEpochs / PREVIEW_COUNT));
  for (let epoch = 1; epoch <= totalEpochs; epoch++) {
    throwIfStopped(hooks);
    umap.step();
    hooks.onProgress?.(epoch, totalEpochs);
    if (hooks.onPreview && epoch < totalEpochs && epoch % previewEveryEpochs === 0) {
      hooks.onPreview(normalizeLayout(flatten(umap.getEmbedding(), rows)));
    }
  }
  const xy = flatten(umap.getEmbedding(), rows);
  if (xy.some((v) => !Number.isFinite(v))) throw new Error('UMAP produced a non-finite coordinate (umap-js bug)');
  return normalizeLayout(xy);
}

export const umapProjector: Projector = {
  method: 'umap',
  project: async (input, params, hooks) => computeUmap(input, params, hooks),
};

function throwIfStopped(hooks: ProjectionHooks): void {
  if (hooks.shouldStop?.()) throw createAbortError();
}

/** 1 row at the origin; 2 or 3 evenly spaced on a circle of radius 0.5, starting at angle 0. */
function circleLayout(rows: number): Float32Array {
  const xy = new Float32Array(2 * rows);
  if (rows < 2) return xy;
  for (let i = 0; i < rows; i++) {
    const angle = (2 * Math.PI * i) / rows;
    xy[2 * i] = 0.5 * Math.cos(angle);
    xy[2 * i + 1] = 0.5 * Math.sin(angle);
  }
  return xy;
}

/** umap-js takes number[][]; converting once up front (plain arrays, not typed views) keeps its inner loops fast. */
function toRowArrays({ data, rows, cols }: ProjectionInput): number[][] {
  const out = new Array<number[]>(rows);
  for (let row = 0; row < rows; row++) {
    const vector = new Array<number>(cols);
    const offset = row * cols;
    for (let c = 0; c < cols; c++) vector[c] = data[offset + c] as number;
    out[row] = vector;
  }
  return out;
}

function flatten(embedding: number[][], rows: number): Float32Array {
  const xy = new Float32Array(2 * rows);
  for (let row = 0; row < rows; row++) {
    const point = embedding[row] as number[];
    xy[2 * row] = point[0] as number;
    xy[2 * row + 1] = point[1] as number;
  }
  return xy;
}

/** Same metric as umap-js's default, without its Math.pow per component (the neighbour search's hot loop). */
function euclidean(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum);
}
