/**
 * k-nearest-neighbour graph of the rows of a matrix. Exact (blocked brute force) up to `exactMaxRows` rows,
 * approximate above: random-projection-forest initialisation refined by NN-descent rounds. Both run their rows in
 * parallel on a compute pool over shared memory. The result is deterministic for a seed, whatever the thread count.
 */
import { availableParallelism } from 'node:os';
import { createAbortError } from '../errors.js';
import { assertFiniteRows, assertInputShape } from '../input-checks.js';
import { mulberry32 } from '../prng.js';
import { type ComputePool, createComputePool, type PoolTask, splitRange } from './compute-pool.js';
import { type FinishRowsArgs, knnKernels } from './knn-kernels.js';
import { createNeighborHeaps, type NeighborHeaps, pushNeighbor } from './neighbor-heap.js';
import { buildReverseNeighbors } from './nn-descent.js';
import { squaredDistance } from './squared-distance.js';

export type KnnMetric = 'euclidean' | 'cosine';

export interface KnnOptions {
  metric?: KnnMetric;
  /** Worker threads; default: the machine's available parallelism. 1 runs on the calling thread. */
  threads?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Called after each phase (forest, each NN-descent round, finish) with steps done and an upper bound of steps. */
  onProgress?(done: number, total: number): void;
  /** Run on this pool instead of starting (and closing) one; `threads` is then ignored. */
  pool?: ComputePool;
  /** Largest row count searched exactly. Default 5,000. */
  exactMaxRows?: number;
}

export interface KnnGraph {
  k: number;
  /** rows*k neighbour ids, row i at [i*k, (i+1)*k), nearest first, self excluded. May be SharedArrayBuffer-backed. */
  indices: Int32Array;
  /** rows*k distances matching `indices`: Euclidean, or cosine distance 1 - cos (a zero vector is 0.5 from any unit direction). */
  distances: Float32Array;
}

const DEFAULT_EXACT_MAX_ROWS = 5000;
/**
 * NN-descent stops when a round changes fewer than this share of all neighbour slots. pynndescent uses 0.001;
 * 0.01 saves a round or two and still gave recall@15 > 0.99 on 20k Fashion-MNIST rows (bench/project).
 */
const CONVERGENCE_DELTA = 0.01;

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** Smaller inputs run on one thread: starting workers would cost more than it saves, and the run is deterministic. */
export const PARALLEL_MIN_ROWS = 4096;

/** The threads a projection of `rows` rows uses: the caller's choice, else one below PARALLEL_MIN_ROWS rows. */
export function projectionThreads(rows: number, requested: number | undefined): number {
  return requested ?? (rows >= PARALLEL_MIN_ROWS ? defaultThreads() : 1);
}

export async function knnGraph(data: Float32Array, rows: number, cols: number, k: number, options: KnnOptions = {}): Promise<KnnGraph> {
  assertInputShape({ data, rows, cols });
  if (!Number.isInteger(k) || k < 1 || k >= rows) throw new RangeError(`k must be an integer in [1, rows-1] = [1, ${rows - 1}], got ${k}`);
  assertFiniteRows({ data, rows, cols });
  const { metric = 'euclidean', seed = 42, signal, onProgress } = options;
  const pool = options.pool ?? createComputePool({ threads: options.threads ?? defaultThreads(), kernels: knnKernels, signal });
  try {
    const shared = pool.threads > 1;
    const vectors = prepareVectors(data, rows, cols, metric, shared);
    const parts = splitRange(rows, pool.threads * 4);
    const heaps = (rows <= (options.exactMaxRows ?? DEFAULT_EXACT_MAX_ROWS))
      ? await exactGraph(pool, vectors, rows, cols, k, parts, shared)
      : await approximateGraph(pool, vectors, rows, cols, k, parts, shared, seed, signal, onProgress);
    throwIfAborted(signal);
    const transform: FinishRowsArgs['transform'] = metric === 'cosine' ? 'half' : 'sqrt';
    await pool.run(parts.map(([startRow, endRow]) => ({ kernel: 'knn-finish-rows', args: { heaps, transform, startRow, endRow } })));
    return { k, indices: heaps.indices, distances: heaps.distances };
  } finally {
    if (!options.pool) await pool.close();
  }
}

/** A copy the kernels may read from any thread; cosine rows are scaled to unit length (zero rows stay zero). */
function prepareVectors(data: Float32Array, rows: number, cols: number, metric: KnnMetric, shared: boolean): Float32Array {
  if (!shared && metric === 'euclidean') return data;
  const vectors = new Float32Array(shared ? new SharedArrayBuffer(4 * rows * cols) : new ArrayBuffer(4 * rows * cols));
  vectors.set(data);
  if (metric === 'cosine') {
    for (let row = 0; row < rows; row++) {
      let norm = 0;
      for (let c = row * cols; c < (row + 1) * cols; c++) norm += (vectors[c] as number) ** 2;
      if (norm === 0) continue;
      const scale = 1 / Math.sqrt(norm);
      for (let c = row * cols; c < (row + 1) * cols; c++) vectors[c] = (vectors[c] as number) * scale;
    }
  }
  return vectors;
}

async function exactGraph(
  pool: ComputePool,
  vectors: Float32Array,
  rows: number,
  cols: number,
  k: number,
  parts: Array<[number, number]>,
  shared: boolean,
): Promise<NeighborHeaps> {
  const heaps = createNeighborHeaps(rows, k, shared);
  await pool.run(parts.map(([startRow, endRow]) => ({ kernel: 'knn-brute-force', args: { vectors, rows, cols, heaps, startRow, endRow } })));
  return heaps;
}

/**
 * Tree count and leaf size, chosen on Fashion-MNIST pca64 (bench/project): more trees raised recall@15 on 20k
 * rows only from 0.996 to 0.999 at a clearly higher cost; NN-descent does the rest.
 */
function forestShape(rows: number, k: number): { trees: number; leafSize: number } {
  return { trees: Math.min(6, 3 + Math.round(Math.sqrt(rows) / 50)), leafSize: Math.max(24, k + 1) };
}

async function approximateGraph(
  pool: ComputePool,
  vectors: Float32Array,
  rows: number,
  cols: number,
  k: number,
  parts: Array<[number, number]>,
  shared: boolean,
  seed: number,
  signal: AbortSignal | undefined,
  onProgress: KnnOptions['onProgress'],
): Promise<NeighborHeaps> {
  const maxRounds = Math.max(5, Math.round(Math.log2(rows)));
  const totalSteps = maxRounds + 2;
  const newInt32 = (length: number): Int32Array => new Int32Array(shared ? new SharedArrayBuffer(4 * length) : new ArrayBuffer(4 * length));

  const { trees: treeCount, leafSize } = forestShape(rows, k);
  const random = mulberry32(seed);
  const trees = Array.from({ length: treeCount }, () => ({ order: newInt32(rows), leafBounds: newInt32(2 * rows) }));
  await pool.run(
    trees.map((tree) => ({
      kernel: 'knn-rp-tree',
      args: { vectors, rows, cols, leafSize, seed: Math.floor(random() * 2 ** 31), ...tree },
    })),
  );
  let current = createNeighborHeaps(rows, k, shared);
  await pool.run(parts.map(([startRow, endRow]) => ({ kernel: 'knn-seed-from-forest', args: { vectors, cols, heaps: current, trees, startRow, endRow } })));
  fillEmptySlots(current, vectors, rows, cols, random);
  onProgress?.(1, totalSteps);

  let next = createNeighborHeaps(rows, k, shared);
  for (let round = 0; round < maxRounds; round++) {
    throwIfAborted(signal);
    const reverse = buildReverseNeighbors(current, rows, Math.ceil(k / 2), shared);
    const tasks: PoolTask[] = parts.map(([startRow, endRow]) => ({
      kernel: 'knn-descent-round',
      args: { vectors, rows, cols, current, reverse, next, startRow, endRow },
    }));
    const updates = (await pool.run(tasks)).reduce((sum, count) => sum + count, 0);
    [current, next] = [next, current];
    onProgress?.(round + 2, totalSteps);
    if (updates < CONVERGENCE_DELTA * rows * k) break;
  }
  return current;
}

/**
 * A leaf smaller than k+1 (possible when duplicates force uneven cuts) leaves slots empty; random rows fill them
 * so every row has k neighbours before NN-descent improves them.
 */
function fillEmptySlots(heaps: NeighborHeaps, vectors: Float32Array, rows: number, cols: number, random: () => number): void {
  const { k, indices } = heaps;
  for (let row = 0; row < rows; row++) {
    let attempts = 0;
    while (indices[row * k] === -1 && attempts < 4 * k) {
      attempts++;
      const other = Math.floor(random() * rows);
      if (other !== row) pushNeighbor(heaps, row, other, squaredDistance(vectors, row, other, cols), 1);
    }
    // Tiny or degenerate inputs: walk the rows in order so nothing stays empty.
    for (let other = 0; indices[row * k] === -1 && other < rows; other++) {
      if (other !== row) pushNeighbor(heaps, row, other, squaredDistance(vectors, row, other, cols), 1);
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw createAbortError(signal.reason);
}
