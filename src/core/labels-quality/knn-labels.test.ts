import { describe, expect, it } from 'vitest';
import { KNN_SMOOTHING, knnLabelEvidence } from './knn-labels.js';

describe('knnLabelEvidence', () => {
  it('gives the share of labelled neighbours that agree and their smoothed label distribution', () => {
    // 4 images, k = 2. Image 3 is unlabelled; image 0's neighbours: 1 (a), 3 (unlabelled).
    const labels = Int32Array.from([0, 0, 1, -1]);
    const indices = Int32Array.from([1, 3, 0, 2, 1, 0, 0, 2]);
    const { agreement, probs } = knnLabelEvidence(indices, 2, labels, 2);
    expect(Array.from(agreement)).toEqual([1, 0.5, 0, NaN]);
    const share = (count: number, labelled: number) => (count + KNN_SMOOTHING / 2) / (labelled + KNN_SMOOTHING);
    expect(Array.from(probs)).toEqual([share(1, 1), share(0, 1), share(1, 2), share(1, 2), share(2, 2), share(0, 2), share(1, 2), share(1, 2)].map(Math.fround));
  });

  it('refuses a graph that does not fit the labels', () => {
    expect(() => knnLabelEvidence(new Int32Array(3), 2, new Int32Array(2), 2)).toThrow(/3 neighbour ids for 2 images/);
  });
});
