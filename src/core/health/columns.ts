/** Builders for the ScoreColumns every health check returns, and the small statistics they share. */
import type { CategoryColumn, NumberColumn } from '../../shared/model/scores.js';

export function numberColumn(name: string, label: string, description: string, values: Float32Array, higherIsWorse: boolean): NumberColumn {
  return { kind: 'number', name, label, description, values, higherIsWorse };
}

/** A 0/1 flag per image (NaN where the check does not apply); 1 is the problem, so higher is worse. */
export function flagColumn(name: string, label: string, description: string, flags: Float32Array): NumberColumn {
  return numberColumn(name, label, description, flags, true);
}

export function categoryColumn(name: string, label: string, description: string, codes: Int32Array, categories: string[]): CategoryColumn {
  return { kind: 'category', name, label, description, codes, categories };
}

/** An image index per image (-1 for none) as a number column: NaN for none, so sorting and CSV show blanks. */
export function indexColumn(name: string, label: string, description: string, indices: Int32Array): NumberColumn {
  const values = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) values[i] = (indices[i] as number) < 0 ? NaN : (indices[i] as number);
  return numberColumn(name, label, description, values, true);
}

/**
 * The q-quantile (0..1) of the finite values, with numpy's default linear interpolation; NaN when none are finite.
 * Copies and sorts: O(n log n).
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantiles(values, [q])[0] as number;
}

/** Several quantiles of the finite values with one sort. */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) finite[n++] = v;
  }
  const sorted = finite.subarray(0, n).sort();
  return qs.map((q) => sortedQuantile(sorted, q));
}

/** Linear-interpolated quantile of an ascending array (numpy's 'linear' method). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const frac = pos - lo;
  return (sorted[lo] as number) * (1 - frac) + (sorted[hi] as number) * frac;
}
