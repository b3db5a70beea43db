/**
 * One NN-descent round ("a neighbour of a neighbour is likely a neighbour"), written as a pull: each row looks at
 * the neighbours of its forward and reverse neighbours and keeps the closest. Reading the previous round's graph
 * and writing a fresh copy makes rows independent, so any partition of rows over threads gives the same graph
 * (deterministic for any thread count). Only pairs where at least one link is new since the last round are
 * compared, so later rounds cost a fraction of the first.
 */
import { type NeighborHeaps, pushNeighbor, worstDistance } from './neighbor-heap.js';
import { squaredDistanceBelow } from './squared-distance.js';

/** Reverse neighbour lists in CSR form: row j's reverse neighbours are revIndices[revOffsets[j] .. revOffsets[j+1]). */
export interface ReverseNeighbors {
  revOffsets: Int32Array;
  revIndices: Int32Array;
  /** 1 where the forward link it mirrors is new. */
  revIsNew: Uint8Array;
}

/**
 * Reverse lists of `heaps`, each capped at `maxPerRow` (hubs would otherwise make a round quadratic). The kept
 * entries are the first by source row, which is deterministic.
 */
export function buildReverseNeighbors(heaps: NeighborHeaps, rows: number, maxPerRow: number, shared: boolean): ReverseNeighbors {
  const { k, indices, isNew } = heaps;
  const counts = new Int32Array(rows);
  for (let slot = 0; slot < rows * k; slot++) {
    const target = indices[slot] as number;
    if (target >= 0 && (counts[target] as number) < maxPerRow) counts[target] = (counts[target] as number) + 1;
  }
  const revOffsets = new Int32Array(shared ? new SharedArrayBuffer(4 * (rows + 1)) : new ArrayBuffer(4 * (rows + 1)));
  for (let row = 0; row < rows; row++) revOffsets[row + 1] = (revOffsets[row] as number) + (counts[row] as number);
  const total = revOffsets[rows] as number;
  const revIndices = new Int32Array(shared ? new SharedArrayBuffer(4 * total) : new ArrayBuffer(4 * total));
  const revIsNew = new Uint8Array(shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total));
  const fill = counts.fill(0);
  for (let row = 0; row < rows; row++) {
    for (let slot = row * k; slot < (row + 1) * k; slot++) {
      const target = indices[slot] as number;
      if (target < 0 || (fill[target] as number) >= maxPerRow) continue;
      const at = (revOffsets[target] as number) + (fill[target] as number);
      revIndices[at] = row;
      revIsNew[at] = isNew[slot] as number;
      fill[target] = (fill[target] as number) + 1;
    }
  }
  return { revOffsets, revIndices, revIsNew };
}

export interface DescentRoundArgs {
  vectors: Float32Array;
  rows: number;
  cols: number;
  /** The previous round's graph: read only. */
  current: NeighborHeaps;
  reverse: ReverseNeighbors;
  /** This round's graph: rows [startRow, endRow) are written. */
  next: NeighborHeaps;
  startRow: number;
  endRow: number;
}

/** Runs one round for rows [startRow, endRow); returns how many neighbours changed. */
export function descentRound(args: DescentRoundArgs): number {
  const { rows, current, next, startRow, endRow } = args;
  const { k } = current;
  const { revOffsets, revIndices, revIsNew } = args.reverse;
  // visited[j] === row: j was already compared with (or is) `row`; avoids a set per row.
  const visited = new Int32Array(rows).fill(-1);
  let updates = 0;
  for (let row = startRow; row < endRow; row++) {
    const base = row * k;
    visited[row] = row;
    for (let slot = base; slot < base + k; slot++) {
      const neighbor = current.indices[slot] as number;
      next.indices[slot] = neighbor;
      next.distances[slot] = current.distances[slot] as number;
      next.isNew[slot] = 0;
      if (neighbor >= 0) visited[neighbor] = row;
    }
    for (let slot = base; slot < base + k; slot++) {
      const via = current.indices[slot] as number;
      if (via >= 0) updates += joinThrough(args, row, via, current.isNew[slot] as number, visited);
    }
    const revEnd = revOffsets[row + 1] as number;
    for (let at = revOffsets[row] as number; at < revEnd; at++) {
      updates += joinThrough(args, row, revIndices[at] as number, revIsNew[at] as number, visited);
    }
  }
  return updates;
}

/** Compares `row` with the forward and reverse neighbours of `via`, where one of the two links is new. */
function joinThrough(args: DescentRoundArgs, row: number, via: number, viaIsNew: number, visited: Int32Array): number {
  const { vectors, cols, current, next } = args;
  const { revOffsets, revIndices, revIsNew } = args.reverse;
  const { k } = current;
  let updates = 0;
  for (let slot = via * k; slot < (via + 1) * k; slot++) {
    const candidate = current.indices[slot] as number;
    if (candidate < 0 || visited[candidate] === row || (viaIsNew === 0 && current.isNew[slot] === 0)) continue;
    visited[candidate] = row;
    const bound = worstDistance(next, row);
    if (pushNeighbor(next, row, candidate, squaredDistanceBelow(vectors, row, candidate, cols, bound), 1)) updates++;
  }
  const revEnd = revOffsets[via + 1] as number;
  for (let at = revOffsets[via] as number; at < revEnd; at++) {
    const candidate = revIndices[at] as number;
    if (visited[candidate] === row || (viaIsNew === 0 && revIsNew[at] === 0)) continue;
    visited[candidate] = row;
    const bound = worstDistance(next, row);
    if (pushNeighbor(next, row, candidate, squaredDistanceBelow(vectors, row, candidate, cols, bound), 1)) updates++;
  }
  return updates;
}
