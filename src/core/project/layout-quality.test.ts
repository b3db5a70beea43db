import { describe, expect, it } from 'vitest';
import { knnLabelAccuracy } from './layout-quality.js';

describe('knnLabelAccuracy', () => {
  it('scores separated groups 1 and interleaved groups 0', () => {
    // Two groups far apart: every neighbour shares the label.
    const apart = new Float32Array([0, 0, 0, 1, 1, 0, 100, 100, 100, 101, 101, 100]);
    expect(knnLabelAccuracy(apart, [0, 0, 0, 1, 1, 1], 2)).toBe(1);
    // Alternating labels on a line: the 2 nearest of every point carry the other label (ends included).
    const line = new Float32Array([0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0]);
    expect(knnLabelAccuracy(line, [0, 1, 0, 1, 0, 1], 1)).toBe(0);
  });

  it('counts a point whose neighbours disagree with it', () => {
    const xy = new Float32Array([0, 0, 0, 1, 1, 0, 0.5, 0.5]);
    expect(knnLabelAccuracy(xy, [0, 0, 0, 1], 3)).toBe(0.75);
  });

  it('rejects mismatched labels and a bad k', () => {
    expect(() => knnLabelAccuracy(new Float32Array(4), [0], 1)).toThrow(/1 labels for 2 points/);
    expect(() => knnLabelAccuracy(new Float32Array(4), [0, 1], 2)).toThrow(/k must be in \[1, 1\]/);
  });
});
