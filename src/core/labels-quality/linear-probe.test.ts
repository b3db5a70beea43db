import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../project/prng.js';
import { crossValidatedProbe, standardize, stratifiedFolds } from './linear-probe.js';

/** `perClass` points around each of `classes` centres on the axes of a `dim`-d space, plus Gaussian-ish noise. */
function blobs(classes: number, perClass: number, dim: number, spread: number, seed = 1) {
  const random = mulberry32(seed);
  const rows = classes * perClass;
  const data = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i += 1) {
    const c = i % classes;
    labels[i] = c;
    for (let f = 0; f < dim; f += 1) data[i * dim + f] = (f === c ? 5 : 0) + spread * (random() + random() + random() - 1.5);
  }
  return { data, labels, rows };
}

describe('crossValidatedProbe', () => {
  it('recovers separable classes out of sample, deterministically for a seed', () => {
    const { data, labels, rows } = blobs(3, 40, 4, 1);
    const first = crossValidatedProbe(data, rows, 4, labels, 3, { seed: 3 });
    let right = 0;
    for (let i = 0; i < rows; i += 1) {
      const row = Array.from(first.probs.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (row.indexOf(Math.max(...row)) === labels[i]) right += 1;
    }
    expect(right).toBe(rows);
    expect(crossValidatedProbe(data, rows, 4, labels, 3, { seed: 3 }).probs).toEqual(first.probs);
  });

  it('gives a flipped label a low probability: it never trains on the image it scores', () => {
    const { data, labels, rows } = blobs(2, 30, 3, 0.5);
    const noisy = Int32Array.from(labels);
    noisy[4] = 1 - (labels[4] as number);
    const { probs } = crossValidatedProbe(data, rows, 3, noisy, 2);
    expect(probs[4 * 2 + (noisy[4] as number)]).toBeLessThan(0.1);
  });

  it('scores unlabelled rows with the mean of the fold models and never trains on them', () => {
    const { data, labels, rows } = blobs(2, 20, 2, 0.5);
    labels[0] = -1;
    const { probs, foldOf } = crossValidatedProbe(data, rows, 2, labels, 2, { folds: 4 });
    expect(foldOf[0]).toBe(-1);
    expect(probs[0]).toBeGreaterThan(0.9); // image 0 lies in class 0's blob
    expect(() => crossValidatedProbe(data, rows, 2, Int32Array.from(labels).fill(5), 2)).toThrow(/label 5 is not below the class count 2/);
  });
});

describe('stratifiedFolds', () => {
  it('deals each class evenly over the folds', () => {
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, -1]);
    const folds = stratifiedFolds(labels, 2, 2, 7);
    expect(folds[10]).toBe(-1);
    for (const c of [0, 1]) {
      const ofClass = [...labels.keys()].filter((i) => labels[i] === c).map((i) => folds[i]);
      expect(ofClass.filter((f) => f === 0).length).toBe(ofClass.length / 2);
    }
  });
});

describe('standardize', () => {
  it('z-scores columns and zeroes constant ones', () => {
    expect(Array.from(standardize(Float32Array.from([1, 5, 3, 5]), 2, 2))).toEqual([-1, 0, 1, 0]);
  });
});
