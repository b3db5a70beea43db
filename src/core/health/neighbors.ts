/**
 * The k-nearest-neighbour graph the health checks share (outliers, uniqueness, near-duplicates): computed once per
 * embedding with the project's kNN module (exact up to 5,000 rows, NN-descent above, on worker threads) and passed
 * to each check. The 2-D layout's graph comes from grid-knn.ts instead.
 */
import { knnGraph, type KnnMetric } from '../project/knn/index.js';

/** rows × k neighbours per row, nearest first, the row itself excluded. Cosine distance is 1 − cosine similarity. */
export interface NeighborGraph {
  rows: number;
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

export interface NeighborOptions {
  metric: KnnMetric;
  /** Worker threads; default the machine's parallelism; 1 runs on the calling thread. */
  threads?: number;
  seed?: number;
  signal?: AbortSignal;
}

/**
 * kNN of the rows of `data` (rows × cols, row-major), k capped at rows − 1 (a graph with k = 0 for a single row).
 * Rejects with RangeError on NaN/±Infinity rows and with an AbortError when `signal` aborts.
 */
export async function embeddingNeighbors(data: Float32Array, rows: number, cols: number, k: number, options: NeighborOptions): Promise<NeighborGraph> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const kk = Math.min(k, rows - 1);
  if (kk < 1) return { rows, k: 0, indices: new Int32Array(0), distances: new Float32Array(0) };
  const graph = await knnGraph(data, rows, cols, kk, { metric: options.metric, threads: options.threads, seed: options.seed, signal: options.signal });
  return { rows, k: graph.k, indices: graph.indices, distances: graph.distances };
}
