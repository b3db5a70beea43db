import { describe, expect, it } from 'vitest';
import { classImbalance, imbalanceColumns } from './imbalance.js';

describe('classImbalance', () => {
  it('counts classes, computes max/min and flags classes under 0.1 × 1/K', () => {
    // K = 3: rare below 1/30 of the labelled images. 100 + 90 + 2 = 192 labelled; 2/192 ≈ 0.0104.
    const labels = new Int32Array([...Array<number>(100).fill(0), ...Array<number>(90).fill(1), 2, 2, -1]);
    const result = classImbalance(labels, 3);
    expect([...result.counts]).toEqual([100, 90, 2]);
    expect(result.imbalanceRatio).toBe(50);
    expect(result.rareClasses).toEqual([2]);
    expect(result.rareFlag[0]).toBe(0);
    expect(result.rareFlag[190]).toBe(1);
    expect(Number.isNaN(result.rareFlag[192])).toBe(true);
    expect(result.shares[2]).toBeCloseTo(2 / 192, 6);
  });

  it('flags nothing in a balanced dataset and more with a looser threshold', () => {
    const balanced = classImbalance(new Int32Array([0, 1, 0, 1]), 2);
    expect(balanced.rareClasses).toEqual([]);
    expect(balanced.imbalanceRatio).toBe(1);
    const labels = new Int32Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(classImbalance(labels, 2).rareClasses).toEqual([]);
    expect(classImbalance(labels, 2, 0.5).rareClasses).toEqual([1]);
  });

  it('handles no labels and refuses labels past the class count', () => {
    const none = classImbalance(new Int32Array([-1, -1]), 2);
    expect(Number.isNaN(none.imbalanceRatio)).toBe(true);
    expect(() => classImbalance(new Int32Array([3]), 2)).toThrow(RangeError);
    expect(imbalanceColumns(none)[0]?.name).toBe('rare_class');
  });
});
