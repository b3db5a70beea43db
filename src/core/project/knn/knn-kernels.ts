/** The kNN kernels by name, as the compute pool calls them (arguments arrive as structured-clone records). */
import type { KernelRegistry } from './compute-pool.js';
import { type BruteForceArgs, bruteForceRows } from './brute-force.js';
import { type NeighborHeaps, sortRows } from './neighbor-heap.js';
import { type DescentRoundArgs, descentRound } from './nn-descent.js';
import { buildRpTree, type ForestCandidatesArgs, type RpTreeArgs, seedFromForest } from './rp-tree.js';

export interface FinishRowsArgs {
  heaps: NeighborHeaps;
  /** 'sqrt' for Euclidean, 'half' for cosine on unit vectors (|a-b|²/2 = 1 - cos). */
  transform: 'sqrt' | 'half';
  startRow: number;
  endRow: number;
}

/** Sorts rows ascending and turns squared distances into the metric's distances. */
export function finishRows({ heaps, transform, startRow, endRow }: FinishRowsArgs): void {
  sortRows(heaps, startRow, endRow);
  const { distances, k } = heaps;
  for (let slot = startRow * k; slot < endRow * k; slot++) {
    const squared = distances[slot] as number;
    distances[slot] = transform === 'sqrt' ? Math.sqrt(squared) : Math.max(0, squared / 2);
  }
}

export const knnKernels: KernelRegistry = {
  'knn-brute-force': (args) => bruteForceRows(args as unknown as BruteForceArgs),
  'knn-rp-tree': (args) => buildRpTree(args as unknown as RpTreeArgs),
  'knn-seed-from-forest': (args) => seedFromForest(args as unknown as ForestCandidatesArgs),
  'knn-descent-round': (args) => descentRound(args as unknown as DescentRoundArgs),
  'knn-finish-rows': (args) => finishRows(args as unknown as FinishRowsArgs),
};
