/**
 * Which images are drawn, and in which order. deck.gl draws instances in buffer order, so putting the points
 * that matter last draws them on top of the crowd: mistakes in the error colourings, the worst values of a score
 * when colouring by it, the points a filter keeps. Points without a layout (NaN) are left out.
 * `candidates` (ascending image indices) restricts it to a subset, e.g. the selection.
 */

/** Per-image draw bucket (higher is drawn later, on top) and how many buckets there are. */
export interface DrawRank {
  rank: Uint8Array;
  bucketCount: number;
}

/** Error ranks: no verdict, then right, then wrong. Shared by the error, label and prediction colourings. */
export function errorRank(correct: Int8Array): DrawRank {
  const rank = new Uint8Array(correct.length);
  for (let i = 0; i < correct.length; i++) rank[i] = correct[i] === 0 ? 2 : correct[i] === 1 ? 1 : 0;
  return { rank, bucketCount: 3 };
}

/** `base` with the points outside `mask` moved below everything else (bucket 0), the rest shifted up by one. */
export function maskedRank(base: DrawRank, mask: Uint8Array | null): DrawRank {
  if (mask === null) return base;
  const rank = new Uint8Array(base.rank.length);
  for (let i = 0; i < rank.length; i++) rank[i] = mask[i] ? base.rank[i]! + 1 : 0;
  return { rank, bucketCount: base.bucketCount + 1 };
}

/** A counting sort by bucket: stable, so index order is kept within each bucket. */
export function drawOrderByRank(xy: Float32Array, { rank, bucketCount }: DrawRank, candidates?: Uint32Array): Uint32Array {
  const pointCount = Math.min(xy.length >> 1, rank.length);
  const candidateCount = candidates ? candidates.length : pointCount;
  const imageAt = candidates ? (k: number) => candidates[k]! : (k: number) => k;
  const drawable = (i: number): boolean => i < pointCount && Number.isFinite(xy[2 * i]!) && Number.isFinite(xy[2 * i + 1]!);
  const bucketOf = (i: number): number => Math.min(rank[i]!, bucketCount - 1);
  const starts = new Uint32Array(bucketCount + 1);
  for (let k = 0; k < candidateCount; k++) {
    const i = imageAt(k);
    if (drawable(i)) starts[bucketOf(i) + 1]!++;
  }
  for (let b = 1; b <= bucketCount; b++) starts[b]! += starts[b - 1]!;
  const order = new Uint32Array(starts[bucketCount]!);
  for (let k = 0; k < candidateCount; k++) {
    const i = imageAt(k);
    if (drawable(i)) order[starts[bucketOf(i)]!++] = i;
  }
  return order;
}

/** Unknown, then right, then wrong points. */
export function drawOrder(xy: Float32Array, correct: Int8Array, candidates?: Uint32Array): Uint32Array {
  return drawOrderByRank(xy, errorRank(correct), candidates);
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
