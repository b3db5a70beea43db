/**
 * Squared Euclidean distance between rows of one row-major matrix, the kNN search's hot loop. Cosine distance is
 * reduced to this by normalising rows first (|a-b|² = 2 - 2cos for unit vectors).
 */
export function squaredDistance(vectors: Float32Array, rowA: number, rowB: number, cols: number): number {
  let offsetA = rowA * cols;
  let offsetB = rowB * cols;
  const end = offsetA + cols;
  let sum = 0;
  // Four accumulators let the CPU overlap the adds; V8 does not vectorise this on its own.
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  const unrolledEnd = offsetA + (cols & ~3);
  while (offsetA < unrolledEnd) {
    const d0 = (vectors[offsetA] as number) - (vectors[offsetB] as number);
    const d1 = (vectors[offsetA + 1] as number) - (vectors[offsetB + 1] as number);
    const d2 = (vectors[offsetA + 2] as number) - (vectors[offsetB + 2] as number);
    const d3 = (vectors[offsetA + 3] as number) - (vectors[offsetB + 3] as number);
    sum += d0 * d0;
    sum1 += d1 * d1;
    sum2 += d2 * d2;
    sum3 += d3 * d3;
    offsetA += 4;
    offsetB += 4;
  }
  while (offsetA < end) {
    const d = (vectors[offsetA++] as number) - (vectors[offsetB++] as number);
    sum += d * d;
  }
  return sum + sum1 + sum2 + sum3;
}

/** Checking the bound costs a branch, so it is checked once per this many dimensions. */
const BOUND_CHECK_DIMS = 16;

/**
 * Squared distance, or any value >= `bound` as soon as the partial sum reaches it: most candidates lose to the
 * current k-th neighbour, and on PCA-ordered inputs the first dimensions carry most of the distance.
 */
export function squaredDistanceBelow(vectors: Float32Array, rowA: number, rowB: number, cols: number, bound: number): number {
  const baseA = rowA * cols;
  const baseB = rowB * cols;
  let sum = 0;
  let c = 0;
  while (c < cols) {
    const blockEnd = Math.min(cols, c + BOUND_CHECK_DIMS);
    let block0 = 0;
    let block1 = 0;
    for (; c + 1 < blockEnd; c += 2) {
      const d0 = (vectors[baseA + c] as number) - (vectors[baseB + c] as number);
      const d1 = (vectors[baseA + c + 1] as number) - (vectors[baseB + c + 1] as number);
      block0 += d0 * d0;
      block1 += d1 * d1;
    }
    if (c < blockEnd) {
      const d = (vectors[baseA + c] as number) - (vectors[baseB + c] as number);
      block0 += d * d;
      c++;
    }
    sum += block0 + block1;
    if (sum >= bound) return sum;
  }
  return sum;
}
