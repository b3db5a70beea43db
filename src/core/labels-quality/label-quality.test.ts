import { describe, expect, it } from 'vitest';
import type { CategoryColumn, NumberColumn } from '../../shared/model/scores.js';
import { mulberry32 } from '../project/prng.js';
import { labelQuality, productOfExperts } from './label-quality.js';

const classes = ['a', 'b', 'c'];
const perClass = 20;
const dim = 4;
const rows = classes.length * perClass;
const random = mulberry32(5);
const truth = Int32Array.from({ length: rows }, (_, i) => i % 3);
const data = Float32Array.from({ length: rows * dim }, (_, j) => ((j % dim) === truth[Math.floor(j / dim)] ? 4 : 0) + random() - 0.5);
const embeddings = { idxs: Int32Array.from({ length: rows }, (_, i) => i), dim, data };
const flippedAt = [3, 17, 40];
const noisy = Int32Array.from(truth);
for (const i of flippedAt) noisy[i] = ((truth[i] as number) + 1) % 3;

const numbers = (result: { columns: { name: string }[] }, name: string) => (result.columns.find((c) => c.name === name) as NumberColumn).values;
const rank = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v);
const topOf = (scores: Float32Array, n: number) => [...scores.keys()].sort((x, y) => rank(scores[y]) - rank(scores[x]) || x - y).slice(0, n).sort((x, y) => x - y);

describe('labelQuality', () => {
  it('without predictions: ranks the flipped labels first, flags them and suggests the true class', async () => {
    const result = await labelQuality({ classes, labels: noisy, embeddings }, { threads: 1 });
    expect(result.columns.map((c) => c.name)).toEqual(['mislabel_score', 'suggested_label', 'label_issue', 'knn_agreement', 'self_confidence']);
    const mislabel = numbers(result, 'mislabel_score');
    expect(topOf(mislabel, 3)).toEqual(flippedAt);
    expect(Array.from(mislabel).every((v) => v >= 0 && v <= 1)).toBe(true);
    const issues = numbers(result, 'label_issue');
    expect([...issues.keys()].filter((i) => issues[i] === 1)).toEqual(flippedAt);
    const suggested = result.columns[1] as CategoryColumn;
    expect(suggested.categories).toEqual(classes);
    expect(flippedAt.map((i) => suggested.codes[i])).toEqual(flippedAt.map((i) => truth[i]));
    expect([...suggested.codes.keys()].filter((i) => suggested.codes[i] !== -1)).toEqual(flippedAt);
    expect(numbers(result, 'knn_agreement')[3]).toBeLessThan(0.2);
    expect(result.sources.predictions).toBeNull();
  });

  it('with predictions: uses them as the main source; images without embeddings still get scores from them', async () => {
    // The model is right everywhere, but unsure between the truth and the next class.
    const predictedProbs = new Float32Array(rows * 3);
    for (let i = 0; i < rows; i += 1) {
      predictedProbs[i * 3 + (truth[i] as number)] = 0.7;
      predictedProbs[i * 3 + (((truth[i] as number) + 1) % 3)] = 0.2;
      predictedProbs[i * 3 + (((truth[i] as number) + 2) % 3)] = 0.1;
    }
    const partial = { idxs: embeddings.idxs.subarray(0, rows - 1), dim, data: data.subarray(0, (rows - 1) * dim) };
    const result = await labelQuality({ classes, labels: noisy, embeddings: partial, predictedProbs }, { threads: 1 });
    const mislabel = numbers(result, 'mislabel_score');
    expect(topOf(mislabel, 3)).toEqual(flippedAt);
    expect(mislabel[rows - 1]).not.toBeNaN();
    expect(numbers(result, 'knn_agreement')[rows - 1]).toBeNaN();
    expect(result.sources.probe?.[(rows - 1) * 3]).toBeNaN();
  });

  it('gives NaN scores to unlabelled images and works with predictions alone', async () => {
    const labels = Int32Array.from(noisy);
    labels[0] = -1;
    const predictedProbs = Float32Array.from({ length: rows * 3 }, (_, j) => (j % 3 === truth[Math.floor(j / 3)] ? 0.8 : 0.1));
    const result = await labelQuality({ classes, labels, predictedProbs });
    expect(numbers(result, 'mislabel_score')[0]).toBeNaN();
    expect(topOf(numbers(result, 'mislabel_score'), 3)).toEqual(flippedAt);
    expect(Array.from(numbers(result, 'knn_agreement')).every(Number.isNaN)).toBe(true);
  });
});

describe('productOfExperts', () => {
  it('multiplies weighted probabilities and renormalises, skipping sources without a row', () => {
    const a = Float32Array.from([0.5, 0.5, 0.9, 0.1]);
    const b = Float32Array.from([0.2, 0.8, NaN, NaN]);
    const out = productOfExperts([{ probs: a, weight: 1 }, { probs: b, weight: 0.5 }], 2, 2);
    const p0 = 0.5 * Math.sqrt(0.2);
    const p1 = 0.5 * Math.sqrt(0.8);
    expect(Array.from(out)).toEqual([expect.closeTo(p0 / (p0 + p1), 6), expect.closeTo(p1 / (p0 + p1), 6), expect.closeTo(0.9, 6), expect.closeTo(0.1, 6)]);
    expect(Array.from(productOfExperts([{ probs: b, weight: 1 }], 2, 2).subarray(2))).toEqual([NaN, NaN]);
  });
});
