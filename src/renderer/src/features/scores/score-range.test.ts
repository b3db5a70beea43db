import { describe, expect, it } from 'vitest';
import { fullRange, quantileOfSorted, robustRange, sortedFinite } from './score-range';

describe('robustRange', () => {
  it('takes the 2nd and 98th percentiles, so one extreme value does not stretch the scale', () => {
    const values = Float32Array.from({ length: 101 }, (_, i) => i);
    values[100] = 1e6;
    const range = robustRange(values)!;
    expect(range.min).toBeCloseTo(2, 5);
    expect(range.max).toBeCloseTo(98, 5);
    expect(fullRange(values)!.max).toBe(1e6);
  });

  it('ignores NaN and infinities, and is null without finite values', () => {
    expect(robustRange(Float32Array.from([NaN, Infinity, 3, NaN]))).toEqual({ min: 3, max: 3 });
    expect(robustRange(Float32Array.from([NaN, NaN]))).toBeNull();
    expect(fullRange(new Float32Array(0))).toBeNull();
  });

  it('estimates the percentiles of a large column from a strided sample, close to the exact ones', () => {
    const n = 1_000_003;
    // A shuffled ramp: the exact 2nd/98th percentiles are known.
    const values = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n);
    const range = robustRange(values)!;
    expect(range.min).toBeCloseTo(0.02, 2);
    expect(range.max).toBeCloseTo(0.98, 2);
  });

  it('interpolates between neighbours', () => {
    const sorted = sortedFinite(Float32Array.from([4, NaN, 0, 2]));
    expect(Array.from(sorted)).toEqual([0, 2, 4]);
    expect(quantileOfSorted(sorted, 0.25)).toBe(1);
    expect(quantileOfSorted(new Float32Array(0), 0.5)).toBeNaN();
  });
});
