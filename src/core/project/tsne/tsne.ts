/**
 * Barnes-Hut t-SNE (van der Maaten 2014) as scikit-learn runs it: sparse perplexity-calibrated affinities over
 * floor(3·perplexity + 1) neighbours, PCA start scaled to std 1e-4, early exaggeration 12 with momentum 0.5 for
 * 250 iterations, then momentum 0.8, per-coordinate gains, learning rate 'auto'. O(N log N) per iteration.
 * Written here rather than taken from npm: the t-SNE packages there (tsne-js, @keckelt/tsne, ports of Karpathy's
 * tsnejs) are exact t-SNE on dense N×N matrices and cannot lay out tens of thousands of points.
 */
import { createAbortError } from '../errors.js';
import { assertFiniteRows, assertInputShape } from '../input-checks.js';
import { normalizeLayout } from '../normalize-layout.js';
import type { ProjectionHooks, ProjectionInput, ProjectionParams, Projector } from '../types.js';
import { type ComputePool, splitRange } from '../knn/compute-pool.js';
import { knnGraph, projectionThreads } from '../knn/index.js';
import { conditionalAffinities, symmetrizeAffinities, type SparseAffinities } from './affinities.js';
import { openForcePool } from './force-pool.js';
import { MIN_TSNE_ROWS, resolveTsneParams, type ResolvedTsneParams } from './params.js';
import { pcaInitialLayout } from './pca-init.js';
import { QuadTree } from './quadtree.js';
import { TSNE_FORCES_KERNEL } from './tsne-kernels.js';

const PREVIEW_COUNT = 10;
const MIN_GAIN = 0.01;
/**
 * The force pass always runs as this many point ranges, whatever the thread count: Z is summed over the ranges in
 * order, so a seed gives a bit-identical layout on 1 thread or many.
 */
const FORCE_RANGES = 16;

/**
 * Lays out `rows` vectors in 2-D with t-SNE. Returns interleaved x,y normalised into [-1, 1] (normalizeLayout).
 * 0 rows give an empty array, 1 to 3 rows a fixed layout on a circle of radius 0.5 (no hooks called).
 * Throws NonFiniteRowsError for NaN/±Infinity rows, RangeError for a bad shape or parameter, an AbortError when
 * `shouldStop` says so. Deterministic for a given seed.
 */
export async function computeTsne(input: ProjectionInput, params: ProjectionParams, hooks: ProjectionHooks = {}): Promise<Float32Array> {
  assertInputShape(input);
  const { data, rows, cols } = input;
  const resolved = resolveTsneParams(Math.max(rows, MIN_TSNE_ROWS), params);
  if (rows < MIN_TSNE_ROWS) return circleLayout(rows);
  assertFiniteRows(input);
  throwIfStopped(hooks);

  hooks.onStage?.('neighbors');
  hooks.onProgress?.(0, resolved.nIter);
  const k = resolved.neighbors;
  const metric = params.metric ?? 'euclidean';
  const threads = projectionThreads(rows, params.threads);
  const graph = await knnGraph(data, rows, cols, k, { metric, seed: resolved.seed, threads });
  throwIfStopped(hooks);
  // scikit-learn calibrates on squared distances for the Euclidean metric and on plain distances for others.
  const calibrationDistances = new Float32Array(graph.distances.length);
  for (let e = 0; e < calibrationDistances.length; e++) {
    const d = graph.distances[e] as number;
    calibrationDistances[e] = metric === 'euclidean' ? d * d : d;
  }
  const conditional = conditionalAffinities(calibrationDistances, rows, k, resolved.perplexity);
  const affinities = symmetrizeAffinities(conditional, graph.indices, rows, k);
  const start = pcaInitialLayout(data, rows, cols, resolved.seed);
  hooks.onStage?.('layout');
  const pool = await openForcePool(threads);
  try {
    const xy = await optimizeLayout(start, affinities, resolved, hooks, pool);
    return normalizeLayout(Float32Array.from(xy));
  } finally {
    await pool.close();
  }
}

export const tsneProjector: Projector = {
  method: 'tsne',
  project: (input, params, hooks) => computeTsne(input, params, hooks),
};

/**
 * Gradient descent on KL(P‖Q); returns the final positions (a new array when it ran on shared memory). Calls the
 * progress, preview and stop hooks per iteration. The force passes run on `pool`, in FORCE_RANGES ranges.
 */
export async function optimizeLayout(
  start: Float64Array,
  p: SparseAffinities,
  params: ResolvedTsneParams,
  hooks: ProjectionHooks,
  pool: ComputePool,
): Promise<Float64Array> {
  const rows = start.length >> 1;
  const shared = pool.threads > 1;
  const allocate = (length: number): Float64Array =>
    shared ? new Float64Array(new SharedArrayBuffer(8 * length)) : new Float64Array(length);
  const xy = shared ? copyInto(allocate(start.length), start) : start;
  const affinities = shared ? shareAffinities(p) : p;
  const tree = new QuadTree(shared);
  const attraction = allocate(2 * rows);
  const repulsion = allocate(2 * rows);
  const update = new Float64Array(2 * rows);
  const gains = new Float64Array(2 * rows);
  const ranges = splitRange(rows, FORCE_RANGES);
  const previewEvery = Math.max(1, Math.round(params.nIter / PREVIEW_COUNT));
  for (let iteration = 0; iteration < params.nIter; iteration++) {
    throwIfStopped(hooks);
    const exploring = iteration < params.explorationIterations;
    if (iteration === 0 || iteration === params.explorationIterations) {
      // scikit-learn starts each phase afresh: no velocity, unit gains.
      update.fill(0);
      gains.fill(1);
    }
    const exaggeration = exploring ? params.earlyExaggeration : 1;
    const momentum = exploring ? 0.5 : 0.8;

    tree.build(xy, rows);
    const treeArrays = tree.arrays();
    const shares = await pool.run(
      ranges.map(([from, to]) => ({
        kernel: TSNE_FORCES_KERNEL,
        args: { xy, tree: treeArrays, affinities, theta: params.theta, exaggeration, from, to, attraction, repulsion },
      })),
    );
    let sumQ = 0;
    for (const share of shares) sumQ += share;
    sumQ = Math.max(sumQ, Number.MIN_VALUE);
    const learningRate = params.learningRate;
    for (let e = 0; e < 2 * rows; e++) {
      // dC/dy = 4 (Σ p q (yᵢ - yⱼ) - Σ q² (yᵢ - yⱼ) / Z)
      const grad = 4 * ((attraction[e] as number) - (repulsion[e] as number) / sumQ);
      const previous = update[e] as number;
      const gain = previous * grad < 0 ? (gains[e] as number) + 0.2 : Math.max((gains[e] as number) * 0.8, MIN_GAIN);
      gains[e] = gain;
      const step = momentum * previous - learningRate * gain * grad;
      update[e] = step;
      xy[e]! += step;
    }
    hooks.onProgress?.(iteration + 1, params.nIter);
    if (hooks.onPreview && iteration + 1 < params.nIter && (iteration + 1) % previewEvery === 0) {
      hooks.onPreview(normalizeLayout(Float32Array.from(xy)));
    }
  }
  for (let e = 0; e < xy.length; e++) {
    if (!Number.isFinite(xy[e] as number)) throw new Error('t-SNE diverged to a non-finite coordinate; try a smaller learningRate');
  }
  return xy;
}

function copyInto(target: Float64Array, source: Float64Array): Float64Array {
  target.set(source);
  return target;
}

function shareAffinities(p: SparseAffinities): SparseAffinities {
  const share = <T extends Int32Array | Float64Array>(array: T, make: (buffer: SharedArrayBuffer) => T): T => {
    const copy = make(new SharedArrayBuffer(array.byteLength));
    copy.set(array as never);
    return copy;
  };
  return {
    rowStart: share(p.rowStart, (b) => new Int32Array(b)),
    columns: share(p.columns, (b) => new Int32Array(b)),
    values: share(p.values, (b) => new Float64Array(b)),
  };
}

function throwIfStopped(hooks: ProjectionHooks): void {
  if (hooks.shouldStop?.()) throw createAbortError();
}

/** 1 row at the origin; 2 or 3 evenly spaced on a circle of radius 0.5, starting at angle 0 (as the UMAP projector). */
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
