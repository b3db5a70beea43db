import { describe, expect, it } from 'vitest';
import { summarizeClusters } from './cluster-summary.js';

const CLASSES = ['cat', 'dog', 'fox'];

describe('summarizeClusters', () => {
  // Cluster 0: 4 cats, one predicted dog. Cluster 1: 2 dogs + 1 fox, two wrong. Index 7 is noise.
  const cluster = new Int32Array([0, 0, 0, 0, 1, 1, 1, -1]);
  const labels = new Int32Array([0, 0, 0, 0, 1, 1, 2, 0]);
  const predicted = new Int32Array([0, 0, 0, 1, 2, 1, 1, 0]);
  const xy = new Float32Array([0, 0, 1, 0, 0.4, 0.1, 5, 5, 10, 10, 11, 10, 10.4, 10.2, 50, 50]);

  it('summarises size, purity, errors, loss, splits and confusions, weakest first', () => {
    const summaries = summarizeClusters({
      cluster,
      labels,
      classes: CLASSES,
      predicted,
      loss: new Float32Array([0.1, 0.1, 0.1, 2.1, 1, NaN, 3, 9]),
      split: new Int32Array([0, 0, 1, 1, 0, -1, 1, 0]),
      splitNames: ['train', 'val'],
      xy,
    });
    expect(summaries.map((s) => s.id)).toEqual([1, 0]);
    const [weak, strong] = summaries as [(typeof summaries)[0], (typeof summaries)[0]];
    expect(weak).toMatchObject({ size: 3, majorityLabel: 'dog', name: null, splitMix: { train: 1, val: 1 } });
    expect(weak.purity).toBeCloseTo(2 / 3, 6);
    expect(weak.errorRate).toBeCloseTo(2 / 3, 6);
    expect(weak.weakness).toBeCloseTo(2 / 3, 6);
    expect(weak.meanLoss).toBeCloseTo(2, 6);
    expect(Number.isNaN(weak.f1)).toBe(true);
    expect(weak.topConfusions).toEqual([
      { label: 'dog', predicted: 'fox', count: 1 },
      { label: 'fox', predicted: 'dog', count: 1 },
    ]);
    expect(strong).toMatchObject({ size: 4, majorityLabel: 'cat', purity: 1, errorRate: 0.25, splitMix: { train: 2, val: 2 } });
    // Centroid (1.6, 1.275): the nearest member is index 1 (1, 0), the medoid; then by distance to it: 2, 0, 3.
    expect(strong.representatives).toEqual([1, 2, 0, 3]);
  });

  it('ranks by 1 − purity without predictions, ties to the larger cluster', () => {
    const summaries = summarizeClusters({
      cluster: new Int32Array([0, 0, 1, 1, 1, 1, 2, 2]),
      labels: new Int32Array([0, 1, 0, 0, 1, 1, 2, 2]),
      classes: CLASSES,
      f1: new Float32Array([1, 0.5, NaN, NaN, NaN, NaN, 1, 1]),
      xy: new Float32Array(16),
    });
    expect(summaries.map((s) => [s.id, s.weakness])).toEqual([
      [1, 0.5],
      [0, 0.5],
      [2, 0],
    ]);
    expect(Number.isNaN(summaries[0]?.errorRate)).toBe(true);
    expect(summaries[1]?.f1).toBeCloseTo(0.75, 6);
    expect(summaries[0]?.splitMix).toEqual({});
  });

  it('keeps at most 8 representatives and refuses mismatched columns', () => {
    const n = 20;
    const [only] = summarizeClusters({
      cluster: new Int32Array(n),
      labels: new Int32Array(n).fill(-1),
      classes: [],
      xy: Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? i / 2 : 0)),
    });
    expect(only?.representatives).toHaveLength(8);
    // Centroid x = 9.5: members 9 and 10 tie, the first wins.
    expect(only?.representatives[0]).toBe(9);
    expect(only?.majorityLabel).toBeNull();
    expect(() => summarizeClusters({ cluster: new Int32Array(2), labels: new Int32Array(3), classes: [], xy: new Float32Array(4) })).toThrow(RangeError);
  });
});
