import { describe, expect, it } from 'vitest';
import type { NumberColumn } from '../../shared/model/scores.js';
import { alignProbabilities, classificationMetrics, classificationReport, encodeClassification } from './classification-metrics.js';

const column = (columns: { name: string }[], name: string) => (columns.find((c) => c.name === name) as NumberColumn).values;

describe('classificationReport', () => {
  it('counts a hand-checkable confusion matrix: rows given label, columns predicted', () => {
    // labels: a a a b b c, predicted: a b a b a -, plus one unlabelled image predicted c.
    const labels = Int32Array.from([0, 0, 0, 1, 1, 2, -1]);
    const predicted = Int32Array.from([0, 1, 0, 1, 0, -1, 2]);
    const report = classificationReport(['a', 'b', 'c'], labels, predicted);
    expect(Array.from(report.confusion)).toEqual([2, 1, 0, 1, 1, 0, 0, 0, 0]);
    expect(report.evaluated).toBe(5);
    expect(report.accuracy).toBeCloseTo(3 / 5, 12);
    expect(report.perClass[0]).toEqual({ name: 'a', precision: 2 / 3, recall: 2 / 3, f1: expect.closeTo(2 / 3, 12), support: 3 });
    expect(report.perClass[1]).toEqual({ name: 'b', precision: 1 / 2, recall: 1 / 2, f1: 0.5, support: 2 });
    // c: never labelled among evaluated images and never predicted there: undefined, not 0.
    expect(report.perClass[2]).toEqual({ name: 'c', precision: NaN, recall: NaN, f1: NaN, support: 0 });
    expect(report.macroF1).toBeCloseTo((2 / 3 + 0.5) / 2, 12);
  });

  it('is NaN, not a crash, with nothing to evaluate', () => {
    const report = classificationReport(['a'], Int32Array.from([-1]), Int32Array.from([0]));
    expect(report).toMatchObject({ evaluated: 0, accuracy: NaN, macroF1: NaN });
  });
});

describe('classificationMetrics', () => {
  it('computes confidence, margin, loss, entropy and FiftyOne mistakenness per image', () => {
    const encoded = encodeClassification(['cat', 'dog'], ['cat', 'cat', 'dog', null], [
      { predictedLabel: 'cat', confidence: 0.9, correct: true, loss: null },
      { predictedLabel: 'dog', confidence: 0.8, correct: false, loss: null },
      null,
      { predictedLabel: 'dog', confidence: 0.6, correct: null, loss: null },
    ]);
    const probs = Float32Array.from([0.9, 0.1, 0.2, 0.8, NaN, NaN, 0.4, 0.6]);
    const { columns, correct, report } = classificationMetrics(encoded, { probs });
    expect(Array.from(correct)).toEqual([1, 0, -1, -1]);
    expect(Array.from(column(columns, 'confidence'))).toEqual([0.9, 0.8, NaN, 0.6].map(Math.fround));
    expect(Array.from(column(columns, 'margin'))).toEqual([expect.closeTo(0.8, 6), expect.closeTo(0.6, 6), NaN, expect.closeTo(0.2, 6)]);
    expect(Array.from(column(columns, 'loss'))).toEqual([expect.closeTo(-Math.log(0.9), 6), expect.closeTo(-Math.log(0.2), 6), NaN, NaN]);
    const h = (p: number) => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(Array.from(column(columns, 'entropy'))).toEqual([expect.closeTo(h(0.9), 6), expect.closeTo(h(0.8), 6), NaN, expect.closeTo(h(0.6), 6)]);
    // Right with 0.9: (−0.9 + 1)/2 = 0.05. Wrong with 0.8: (0.8 + 1)/2 = 0.9. No label or no prediction: NaN.
    expect(Array.from(column(columns, 'mistakenness'))).toEqual([expect.closeTo(0.05, 6), expect.closeTo(0.9, 6), NaN, NaN]);
    expect(report.accuracy).toBe(0.5);
  });

  it('takes confidence as exp(-entropy) for logits, as FiftyOne does', () => {
    const encoded = encodeClassification(['a', 'b'], ['a'], [{ predictedLabel: 'b', confidence: 0.75, correct: false, loss: null }]);
    const { columns } = classificationMetrics(encoded, { probs: Float32Array.from([0.25, 0.75]), probsFromLogits: true });
    const entropy = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    expect(column(columns, 'confidence')[0]).toBeCloseTo(Math.exp(-entropy), 6);
    expect(column(columns, 'mistakenness')[0]).toBeCloseTo((Math.exp(-entropy) + 1) / 2, 6);
  });

  it('encodes predicted classes unknown to the labels after the dataset classes', () => {
    const encoded = encodeClassification(['a'], ['a', 'a'], [{ predictedLabel: 'zebra', confidence: null, correct: false, loss: null }, null]);
    expect(encoded.classes).toEqual(['a', 'zebra']);
    expect(Array.from(encoded.predicted)).toEqual([1, -1]);
    expect(Array.from(encoded.confidence)).toEqual([NaN, NaN]);
    expect(Array.from(classificationMetrics(encoded).report.confusion)).toEqual([0, 1, 0, 0]);
  });
});

describe('alignProbabilities', () => {
  it('reorders file columns to the classes, fills missing classes with 0 and renormalises without unknown ones', () => {
    const probs = { classes: ['dog', 'wolf', 'cat'], values: Float32Array.from([0.5, 0.25, 0.25, NaN, NaN, NaN, 0, 1, 0]) };
    const aligned = alignProbabilities(probs, ['cat', 'dog', 'bird']);
    expect(Array.from(aligned)).toEqual([expect.closeTo(1 / 3, 6), expect.closeTo(2 / 3, 6), 0, NaN, NaN, NaN, NaN, NaN, NaN]);
  });
});
