/** Exact k nearest neighbours by comparing every pair: the small-N path and the reference for recall checks. */
import { type NeighborHeaps, pushNeighbor, sortRows, worstDistance } from './neighbor-heap.js';
import { squaredDistanceBelow } from './squared-distance.js';

/** Queries are taken this many at a time so each candidate row is read from memory once per block. */
const QUERY_BLOCK_ROWS = 16;

export interface BruteForceArgs {
  vectors: Float32Array;
  rows: number;
  cols: number;
  heaps: NeighborHeaps;
  startRow: number;
  endRow: number;
}

/** Fills heaps for query rows [startRow, endRow) with their exact neighbours among all rows, sorted ascending. */
export function bruteForceRows({ vectors, rows, cols, heaps, startRow, endRow }: BruteForceArgs): void {
  for (let blockStart = startRow; blockStart < endRow; blockStart += QUERY_BLOCK_ROWS) {
    const blockEnd = Math.min(endRow, blockStart + QUERY_BLOCK_ROWS);
    for (let candidate = 0; candidate < rows; candidate++) {
      for (let query = blockStart; query < blockEnd; query++) {
        if (query === candidate) continue;
        pushNeighbor(heaps, query, candidate, squaredDistanceBelow(vectors, query, candidate, cols, worstDistance(heaps, query)), 0);
      }
    }
  }
  sortRows(heaps, startRow, endRow);
}
