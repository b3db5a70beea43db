/**
 * Which images are drawn, and in which order. deck.gl draws instances in buffer order, so putting mistakes
 * last draws them on top of the crowd in every colour mode; points without a layout (NaN) are left out.
 * The order depends only on positions and correctness, so switching colour modes never re-uploads positions.
 * `candidates` (ascending image indices) restricts it to a subset, e.g. the selection.
 */
export function drawOrder(xy: Float32Array, correct: Int8Array, candidates?: Uint32Array): Uint32Array {
  const pointCount = Math.min(xy.length >> 1, correct.length);
  const candidateCount = candidates ? candidates.length : pointCount;
  const imageAt = candidates ? (k: number) => candidates[k]! : (k: number) => k;
  const rank = (i: number): number => (correct[i] === 0 ? 2 : correct[i] === 1 ? 1 : 0);
  const drawable = (i: number): boolean => i < pointCount && Number.isFinite(xy[2 * i]!) && Number.isFinite(xy[2 * i + 1]!);
  const bucketSizes = [0, 0, 0];
  for (let k = 0; k < candidateCount; k++) {
    const i = imageAt(k);
    if (drawable(i)) bucketSizes[rank(i)]!++;
  }
  const starts = [0, bucketSizes[0]!, bucketSizes[0]! + bucketSizes[1]!];
  const order = new Uint32Array(bucketSizes[0]! + bucketSizes[1]! + bucketSizes[2]!);
  for (let k = 0; k < candidateCount; k++) {
    const i = imageAt(k);
    if (drawable(i)) order[starts[rank(i)]!++] = i;
  }
  return order;
}

/** Positions of `indices`, interleaved x,y, in the order given: the GPU buffer for a layer drawing those points. */
export function gatherPositions(xy: Float32Array, indices: Uint32Array): Float32Array {
  const out = new Float32Array(indices.length * 2);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out[2 * k] = xy[2 * i]!;
    out[2 * k + 1] = xy[2 * i + 1]!;
  }
  return out;
}
