/**
 * Random projection trees: recursive splits by the hyperplane halfway between two random points, down to leaves
 * of at most `leafSize` rows. Points sharing a leaf are likely neighbours, which seeds NN-descent with a graph far
 * better than random. One tree is one task, so several build in parallel.
 */
import { mulberry32 } from '../prng.js';
import { type NeighborHeaps, pushNeighbor, worstDistance } from './neighbor-heap.js';
import { squaredDistanceBelow } from './squared-distance.js';

export interface RpTreeArgs {
  vectors: Float32Array;
  rows: number;
  cols: number;
  leafSize: number;
  seed: number;
  /** Output, length rows: row ids ordered so each leaf is a contiguous run. */
  order: Int32Array;
  /** Output, length 2*rows: for row r, [start, end) of its leaf in `order`. */
  leafBounds: Int32Array;
}

export function buildRpTree({ vectors, rows, cols, leafSize, seed, order, leafBounds }: RpTreeArgs): void {
  const random = mulberry32(seed);
  for (let i = 0; i < rows; i++) order[i] = i;
  const normal = new Float64Array(cols);
  const side = new Uint8Array(rows);
  // Explicit stack of [lo, hi) segments: recursion depth would be fine, but this avoids closures per node.
  const stack: number[] = [0, rows];
  while (stack.length > 0) {
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    const size = hi - lo;
    if (size <= leafSize) {
      for (let p = lo; p < hi; p++) {
        const row = order[p] as number;
        leafBounds[2 * row] = lo;
        leafBounds[2 * row + 1] = hi;
      }
      continue;
    }
    const mid = splitSegment(vectors, cols, order, lo, hi, normal, side, random);
    stack.push(lo, mid, mid, hi);
  }
}

/**
 * Partitions order[lo, hi) around a random hyperplane and returns the boundary. When every point falls on one
 * side (duplicates), the segment is cut in half instead, so duplicates never stall the recursion.
 */
function splitSegment(
  vectors: Float32Array,
  cols: number,
  order: Int32Array,
  lo: number,
  hi: number,
  normal: Float64Array,
  side: Uint8Array,
  random: () => number,
): number {
  const size = hi - lo;
  const a = order[lo + Math.floor(random() * size)] as number;
  let b = order[lo + Math.floor(random() * (size - 1))] as number;
  if (b === a) b = order[hi - 1] as number;
  let offset = 0;
  for (let c = 0; c < cols; c++) {
    const va = vectors[a * cols + c] as number;
    const vb = vectors[b * cols + c] as number;
    normal[c] = va - vb;
    offset -= (va - vb) * ((va + vb) / 2);
  }
  let leftCount = 0;
  for (let p = lo; p < hi; p++) {
    const base = (order[p] as number) * cols;
    let margin = offset;
    for (let c = 0; c < cols; c++) margin += (normal[c] as number) * (vectors[base + c] as number);
    const goesLeft = margin > 0 || (margin === 0 && random() < 0.5);
    side[p - lo] = goesLeft ? 1 : 0;
    if (goesLeft) leftCount++;
  }
  if (leftCount === 0 || leftCount === size) return lo + (size >> 1);
  // Stable in-place partition through a scratch copy of the segment.
  const segment = order.slice(lo, hi);
  let left = lo;
  let right = lo + leftCount;
  for (let p = 0; p < size; p++) {
    if (side[p] === 1) order[left++] = segment[p] as number;
    else order[right++] = segment[p] as number;
  }
  return lo + leftCount;
}

export interface ForestCandidatesArgs {
  vectors: Float32Array;
  cols: number;
  heaps: NeighborHeaps;
  trees: ReadonlyArray<{ order: Int32Array; leafBounds: Int32Array }>;
  startRow: number;
  endRow: number;
}

/** Seeds the heaps of rows [startRow, endRow) with every leaf-mate of theirs in every tree, marked new. */
export function seedFromForest({ vectors, cols, heaps, trees, startRow, endRow }: ForestCandidatesArgs): void {
  for (let row = startRow; row < endRow; row++) {
    for (const { order, leafBounds } of trees) {
      const end = leafBounds[2 * row + 1] as number;
      for (let p = leafBounds[2 * row] as number; p < end; p++) {
        const other = order[p] as number;
        if (other === row) continue;
        pushNeighbor(heaps, row, other, squaredDistanceBelow(vectors, row, other, cols, worstDistance(heaps, row)), 1);
      }
    }
  }
}
