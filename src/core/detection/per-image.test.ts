import { describe, expect, it } from 'vitest';
import { pointsCsv } from '../export/points-csv.js';
import { boxColumnsOf } from './box-columns.js';
import { BIRD, CAT, DOG, gtBox, predBox, sceneCovered, sceneGt, scenePred } from './metrics.fixture.js';
import { perImageDetectionMetrics } from './per-image.js';
import { detectionPointsColumns } from './points-columns.js';

const at = (column: Float32Array) => Array.from(column);

describe('perImageDetectionMetrics on the hand-checked scene', () => {
  const { perImage, objects } = perImageDetectionMetrics(sceneGt, scenePred, sceneCovered);

  it('counts TP, FP, FN per image and leaves the uncovered image NaN', () => {
    // Image 0: p1 hits A; the bird has no bird to hit (FP); dog D is missed (FN).
    // Image 1: p2 hits B (IoU .625 ≥ .5), p3 misses (FP), p4 hits C.
    expect(at(perImage.tp)).toEqual([1, 2, Number.NaN]);
    expect(at(perImage.fp)).toEqual([1, 1, Number.NaN]);
    expect(at(perImage.fn)).toEqual([1, 0, Number.NaN]);
    // Image 0: P = R = 1/2, F1 = 2·1/(2+1+1) = .5. Image 1: P = 2/3, R = 1, F1 = 4/5.
    expect(perImage.precision[0]).toBeCloseTo(0.5, 6);
    expect(perImage.precision[1]).toBeCloseTo(2 / 3, 6);
    expect(at(perImage.recall).slice(0, 2)).toEqual([0.5, 1]);
    expect(perImage.f1[1]).toBeCloseTo(0.8, 6);
    // Mean IoU of hits: image 0 → 1; image 1 → (.625 + 1) / 2.
    expect(at(perImage.meanIou)).toEqual([1, 0.8125, Number.NaN]);
  });

  it('scores mistakenness as FiftyOne does', () => {
    // Class mistakenness of a correct match = (−c + 1) / 2; location = (c(2i − 1) + 1) / 2 with i = 2(1 − IoU).
    // A ← p1 (.9, IoU 1): M = .05, L = (.9·(−1) + 1) / 2 = .05. B ← p2 (.8, IoU .625, i = .75): M = .1, L = .7.
    // C ← p4 (.6, IoU 1): M = .2, L = .2. Dog D has no overlapping prediction: possibly spurious.
    expect(Array.from(objects.gtMistakenness).map((v) => Number(v.toFixed(6)))).toEqual([0.05, Number.NaN, 0.1, 0.2]);
    expect(Array.from(objects.gtLocationMistakenness).map((v) => Number(v.toFixed(6)))).toEqual([0.05, Number.NaN, 0.7, 0.2]);
    expect(Array.from(objects.gtPossiblySpurious)).toEqual([0, 1, 0, 0]);
    // The bird (.99 > .95) matches nothing: possibly missing. p3 (.7) also matches nothing but is not confident;
    // image 2's cat is not evaluated.
    expect(Array.from(objects.predPossiblyMissing)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(at(perImage.mistakenness).map((v) => Number(v.toFixed(6)))).toEqual([0.05, 0.2, Number.NaN]);
    expect(at(perImage.locationMistakenness).map((v) => Number(v.toFixed(6)))).toEqual([0.05, 0.7, Number.NaN]);
    expect(at(perImage.possiblyMissing)).toEqual([1, 0, Number.NaN]);
    expect(at(perImage.possiblySpurious)).toEqual([1, 0, Number.NaN]);
  });

  it('exports the points.csv columns in image order', () => {
    const columns = detectionPointsColumns(perImage);
    expect(columns.map((c) => c.name)).toEqual([
      'det_tp',
      'det_fp',
      'det_fn',
      'det_precision',
      'det_recall',
      'det_f1',
      'det_mean_iou',
      'mistakenness',
      'possibly_missing',
      'possibly_spurious',
    ]);
    expect(columns.every((c) => c.numbers.length === 3)).toBe(true);
    expect(Array.from(columns[0]?.numbers ?? [])).toEqual([1, 2, Number.NaN]);
    // They drop into points.csv as extra columns; NaN (image 2 is not labelled) is written empty.
    const csv = pointsCsv({
      path: ['a.jpg', 'b.jpg', 'c.jpg'],
      label: [null, null, null],
      predictedLabel: [null, null, null],
      confidence: [Number.NaN, Number.NaN, Number.NaN],
      correct: [-1, -1, -1],
      xy: new Float32Array(6),
      extra: columns,
    });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('path,label,predicted_label,confidence,correct,x,y,det_tp,det_fp,det_fn,det_precision,det_recall,det_f1,det_mean_iou,mistakenness,possibly_missing,possibly_spurious');
    // Mistakenness (1 − 0.9) / 2 reads 0.050000012: the score 0.9 is held as float32 0.899999976.
    expect(lines[1]).toBe('a.jpg,,,,,0,0,1,1,1,0.5,0.5,0.5,1,0.050000012,1,1');
    expect(lines[3]).toBe('c.jpg,,,,,0,0,,,,,,,,,,');
  });
});

describe('perImageDetectionMetrics cases', () => {
  const one = Uint8Array.from([1]);

  it('matches across classes for mistakenness but not for counts', () => {
    // A dog box exactly on a cat label: for counts a FP and a FN; for mistakenness a match with different labels,
    // M = (+.9 + 1) / 2 = .95, and nothing is missing or spurious.
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 10, 10])]);
    const pred = boxColumnsOf([predBox(0, DOG, [0, 0, 10, 10], 0.9)]);
    const { perImage } = perImageDetectionMetrics(gt, pred, one);
    expect([perImage.tp[0], perImage.fp[0], perImage.fn[0]]).toEqual([0, 1, 1]);
    expect(perImage.f1[0]).toBe(0);
    expect(perImage.mistakenness[0]).toBeCloseTo(0.95, 6);
    expect([perImage.possiblyMissing[0], perImage.possiblySpurious[0]]).toEqual([0, 0]);
  });

  it('lets a crowd region take many predictions and count neither as FP nor, unmatched, as FN', () => {
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 100, 100], true), gtBox(0, CAT, [500, 500, 510, 510], true)]);
    const pred = boxColumnsOf([predBox(0, CAT, [10, 10, 20, 20], 0.99), predBox(0, CAT, [30, 30, 40, 40], 0.98)]);
    const { perImage } = perImageDetectionMetrics(gt, pred, one);
    expect([perImage.tp[0], perImage.fp[0], perImage.fn[0]]).toEqual([0, 0, 0]);
    expect(perImage.f1[0]).toBeNaN();
    // Confident but on a crowd: matched, so not possibly missing; the unmatched crowd is not possibly spurious.
    expect([perImage.possiblyMissing[0], perImage.possiblySpurious[0]]).toEqual([0, 0]);
  });

  it('prefers a real box over a crowd region for the same prediction', () => {
    // The prediction sits on cat E and inside a cat crowd: it is a TP on E, and E is not a FN.
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 100, 100], true), gtBox(0, CAT, [10, 10, 20, 20])]);
    const { perImage } = perImageDetectionMetrics(gt, boxColumnsOf([predBox(0, CAT, [10, 10, 20, 20], 0.5)]), one);
    expect([perImage.tp[0], perImage.fp[0], perImage.fn[0]]).toEqual([1, 0, 0]);
  });

  it('gives the ground truth to the higher score when two predictions compete', () => {
    // p .6 with IoU 1 and p .9 with IoU .5625 ([0,0,10,...] boxes): the .9 one is matched first and takes it.
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 8, 8])]);
    const pred = boxColumnsOf([predBox(0, CAT, [0, 0, 8, 8], 0.6), predBox(0, CAT, [0, 0, 8, 4.5], 0.9)]);
    const { perImage } = perImageDetectionMetrics(gt, pred, one);
    expect([perImage.tp[0], perImage.fp[0]]).toEqual([1, 1]);
    expect(perImage.meanIou[0]).toBeCloseTo(36 / 64, 6);
  });

  it('leaves out predictions below minScore and respects the IoU threshold option', () => {
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 8, 8])]);
    const pred = boxColumnsOf([predBox(0, CAT, [0, 0, 8, 5], 0.8), predBox(0, BIRD, [50, 50, 60, 60], 0.1)]);
    const strict = perImageDetectionMetrics(gt, pred, one, { iouThreshold: 0.7, minScore: 0.5 }).perImage;
    // IoU .625 < .7: miss; the .1 bird is below minScore and not counted.
    expect([strict.tp[0], strict.fp[0], strict.fn[0]]).toEqual([0, 1, 1]);
  });

  it('gives a covered image without boxes or predictions zero counts and undefined rates', () => {
    const { perImage } = perImageDetectionMetrics(boxColumnsOf([]), boxColumnsOf([]), one);
    expect([perImage.tp[0], perImage.fp[0], perImage.fn[0], perImage.possiblyMissing[0]]).toEqual([0, 0, 0, 0]);
    expect([perImage.precision[0], perImage.recall[0], perImage.f1[0], perImage.mistakenness[0]]).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });
});
