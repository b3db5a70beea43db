import { describe, expect, it } from 'vitest';
import { confidentLearning } from './confident-learning.js';

describe('confidentLearning', () => {
  // Three classes, five clean images each, two flipped labels and one image the model hesitates on.
  const clean = (c: number) => [0, 1, 2].map((j) => (j === c ? 0.9 : 0.05));
  const rows: { label: number; p: number[] }[] = [
    ...[0, 1, 2].flatMap((c) => Array.from({ length: 5 }, () => ({ label: c, p: clean(c) }))),
    { label: 0, p: [0.1, 0.85, 0.05] }, // 15: really class 1
    { label: 2, p: [0.8, 0.1, 0.1] }, // 16: really class 0
    { label: 1, p: [0.3, 0.4, 0.3] }, // 17: unsure, but the model's top class is the label
  ];
  const labels = Int32Array.from(rows, (r) => r.label);
  const probs = Float32Array.from(rows.flatMap((r) => r.p));

  it('finds the flipped labels through thresholds, the confident joint and pruning by noise rate', () => {
    const result = confidentLearning(probs, labels, 3);
    // t_j: mean probability of j over images labelled j, e.g. class 1: (5 × 0.9 + 0.4) / 6.
    expect(Array.from(result.thresholds)).toEqual([expect.closeTo(4.6 / 6, 6), expect.closeTo(4.9 / 6, 6), expect.closeTo(4.6 / 6, 6)]);
    // Image 17 is above no threshold and is not counted.
    expect(Array.from(result.confidentJoint)).toEqual([5, 1, 0, 0, 5, 0, 1, 0, 5]);
    // Row 1 is scaled to its 6 labels.
    expect(Array.from(result.calibratedJoint)).toEqual([5, 1, 0, 0, 6, 0, 1, 0, 5]);
    expect([...result.issues.keys()].filter((i) => result.issues[i] === 1)).toEqual([15, 16]);
    expect(result.selfConfidence[15]).toBeCloseTo(0.1, 6);
  });

  it('skips unlabelled images and images without probabilities', () => {
    const withGaps = Int32Array.from(labels);
    withGaps[15] = -1;
    const gappy = Float32Array.from(probs);
    gappy.fill(Number.NaN, 16 * 3, 17 * 3);
    const result = confidentLearning(gappy, withGaps, 3);
    expect(Array.from(result.issues).every((v) => v === 0)).toBe(true);
    expect(result.selfConfidence[15]).toBeNaN();
    expect(result.selfConfidence[16]).toBeNaN();
    expect(() => confidentLearning(new Float32Array(5), withGaps, 3)).toThrow(/5 probabilities for 18 images × 3 classes/);
  });
});
