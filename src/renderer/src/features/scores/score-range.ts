/** Robust value ranges: a few extreme scores must not squeeze every other point into one colour. */

export interface ValueRange {
  min: number;
  max: number;
}

/** The finite values, sorted ascending. */
export function sortedFinite(values: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
  const out = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) out[k++] = values[i]!;
  // Typed-array sort is numeric.
  return out.sort();
}

/** Quantile `q` (0..1) of ascending `sorted`, linearly interpolated; NaN when empty. */
export function quantileOfSorted(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Past this many values the percentiles come from an evenly strided sample: sorting a million floats takes a few
 * hundred ms on a busy machine (measured by score-colors.bench.ts), and the 2nd/98th percentile of 200k evenly
 * spread values is within a fraction of a percentile of the exact one, invisible on a colour scale.
 */
export const RANGE_SAMPLE_MAX = 200_000;

/** Every `stride`-th value, in order. */
function strided(values: Float32Array, stride: number): Float32Array {
  const out = new Float32Array(Math.ceil(values.length / stride));
  for (let i = 0, k = 0; i < values.length; i += stride, k++) out[k] = values[i]!;
  return out;
}

/** The finite values (or an evenly strided sample of at most RANGE_SAMPLE_MAX), sorted: for quantiles. */
export function sortedSample(values: Float32Array): Float32Array {
  const stride = Math.ceil(values.length / RANGE_SAMPLE_MAX);
  return sortedFinite(stride > 1 ? strided(values, stride) : values);
}

/** The 2nd–98th percentile range of the finite values; null when there are none. */
export function robustRange(values: Float32Array, lowQ = 0.02, highQ = 0.98): ValueRange | null {
  const sorted = sortedSample(values);
  if (sorted.length === 0) return null;
  return { min: quantileOfSorted(sorted, lowQ), max: quantileOfSorted(sorted, highQ) };
}

/** The full finite range; null when there are none. */
export function fullRange(values: Float32Array): ValueRange | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : null;
}
