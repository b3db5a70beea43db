import { describe, expect, it } from 'vitest';
import { boxColumnsOf } from './box-columns.js';
import { detectionConfusionMatrix } from './confusion.js';
import { evaluateDetections } from './evaluate.js';
import { CAT, CLASSES, DOG, gtBox, predBox, sceneCovered, sceneGt, scenePred } from './metrics.fixture.js';
import { perClassDetectionMetrics } from './per-class.js';

describe('perClassDetectionMetrics', () => {
  it('counts the scene by class at IoU .5', () => {
    // cat: hits A, B, C (TP 3), p3 (FP 1); dog: D missed (FN 1); bird: one FP. Image 2 is not covered.
    const m = perClassDetectionMetrics(sceneGt, scenePred, sceneCovered, CLASSES.length);
    expect(Array.from(m.tp)).toEqual([3, 0, 0]);
    expect(Array.from(m.fp)).toEqual([1, 0, 1]);
    expect(Array.from(m.fn)).toEqual([0, 1, 0]);
    // cat P = 3/4, R = 1, F1 = 6/7; dog P undefined, R 0, F1 0; bird P 0, R undefined, F1 0.
    expect(Array.from(m.precision)).toEqual([0.75, Number.NaN, 0]);
    expect(Array.from(m.recall)).toEqual([1, 0, Number.NaN]);
    expect(m.f1[0]).toBeCloseTo(6 / 7, 12);
    expect(Array.from(m.f1).slice(1)).toEqual([0, 0]);
  });
});

describe('detectionConfusionMatrix', () => {
  it('places the scene in a matrix with a background row and column', () => {
    // Rows = truth (cat, dog, bird, background), columns = predicted. cat→cat 3 (A, B, C); p3 and the bird match
    // nothing: background row, cat and bird columns; D is missed: dog row, background column.
    const { counts, classCount } = detectionConfusionMatrix(sceneGt, scenePred, sceneCovered, CLASSES.length);
    expect(classCount).toBe(3);
    // prettier-ignore
    expect(Array.from(counts)).toEqual([
      3, 0, 0, 0,
      0, 0, 0, 1,
      0, 0, 0, 0,
      1, 0, 1, 0,
    ]);
  });

  it('puts a box found with the wrong class off the diagonal and skips predictions on crowds', () => {
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 10, 10]), gtBox(0, DOG, [100, 100, 200, 200], true)]);
    const pred = boxColumnsOf([predBox(0, DOG, [0, 0, 10, 10], 0.9), predBox(0, DOG, [120, 120, 130, 130], 0.9)]);
    const { counts } = detectionConfusionMatrix(gt, pred, Uint8Array.from([1]), 2);
    // Row cat, column dog: 1. The dog inside the dog crowd counts nowhere.
    expect(Array.from(counts)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('evaluateDetections', () => {
  it('bundles the per-image, per-class, COCO and confusion results of one ground truth', () => {
    const result = evaluateDetections({ boxes: sceneGt, classNames: [...CLASSES], covered: sceneCovered }, scenePred);
    expect(result.classNames).toEqual(['cat', 'dog', 'bird']);
    expect(Array.from(result.perImage.tp)).toEqual([1, 2, Number.NaN]);
    expect(Array.from(result.perClass.tp)).toEqual([3, 0, 0]);
    expect(result.coco.map50).toBeCloseTo(92.5 / 101 / 2, 12);
    expect(result.confusion.counts[0]).toBe(3);
  });
});
