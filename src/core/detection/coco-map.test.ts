import { describe, expect, it } from 'vitest';
import { boxColumnsOf } from './box-columns.js';
import { cocoMeanAveragePrecision, interpolatedAp } from './coco-map.js';
import { BIRD, CAT, CLASSES, DOG, gtBox, predBox, sceneCovered, sceneGt, scenePred } from './metrics.fixture.js';

describe('cocoMeanAveragePrecision on the hand-checked scene', () => {
  const result = cocoMeanAveragePrecision(sceneGt, scenePred, sceneCovered, CLASSES.length);

  it('computes cat AP by hand at each IoU threshold', () => {
    // Cat has 3 ground-truth boxes (A, B, C). Ranked cat detections: p1 .9 (A, IoU 1), p2 .8 (B, IoU .625),
    // p3 .7 (nothing), p4 .6 (C, IoU 1); image 2's cat is not evaluated.
    // Thresholds .50, .55, .60 (IoU .625 passes): TP TP FP TP → recall 1/3 2/3 2/3 1, precision 1 1 2/3 3/4,
    // made monotone: 1 1 .75 .75. The 101 recall points 0..0.33 (34) read 1, 0.34..0.66 (33) read 1,
    // 0.67..1 (34) read .75: AP = (67 + 25.5) / 101 = 92.5 / 101.
    // Thresholds .65 … .95 (7 of them): TP FP FP TP → recall 1/3 1/3 1/3 2/3, precision 1 .5 1/3 .5,
    // monotone 1 .5 .5 .5: 34 points read 1, 33 read .5, 34 (recall > 2/3, never reached) read 0: AP = 50.5 / 101.
    const ap50 = 92.5 / 101;
    const apHigh = 50.5 / 101;
    expect(result.ap50PerClass[CAT]).toBeCloseTo(ap50, 12);
    expect(result.ap75PerClass[CAT]).toBeCloseTo(apHigh, 12);
    expect(result.apPerClass[CAT]).toBeCloseTo((3 * ap50 + 7 * apHigh) / 10, 12);
  });

  it('gives AP 0 to a class with ground truth and no prediction, and leaves out a class with no ground truth', () => {
    // Dog D is never predicted: AP 0 at every threshold. Bird has a prediction but no ground truth: COCO's -1, left
    // out of the mean, so the mean is over cat and dog.
    expect(result.apPerClass[DOG]).toBe(0);
    expect(result.apPerClass[BIRD]).toBeNaN();
    expect(Array.from(result.gtCountPerClass)).toEqual([3, 1, 0]);
    expect(result.map).toBeCloseTo((((3 * 92.5 + 7 * 50.5) / 1010) + 0) / 2, 12);
    expect(result.map50).toBeCloseTo(92.5 / 101 / 2, 12);
    expect(result.map75).toBeCloseTo(50.5 / 101 / 2, 12);
  });
});

describe('cocoMeanAveragePrecision edge cases', () => {
  const oneImage = Uint8Array.from([1]);

  it('is NaN when no class has ground truth, and 0 when nothing is predicted', () => {
    const none = boxColumnsOf([]);
    expect(cocoMeanAveragePrecision(none, boxColumnsOf([predBox(0, CAT, [0, 0, 5, 5], 0.9)]), oneImage, 1).map).toBeNaN();
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 5, 5])]);
    const empty = cocoMeanAveragePrecision(gt, none, oneImage, 1);
    expect([empty.map, empty.map50, empty.map75]).toEqual([0, 0, 0]);
  });

  it('ignores detections matched to a crowd region instead of counting them as false positives', () => {
    // Cat E [0,0,10,10] and a cat crowd [100,100,200,200]. Two detections inside the crowd score above the one on E.
    // For a crowd, IoU = intersection / detection area = 1, so both match it (a crowd takes many) and are ignored:
    // ranked ignored, ignored, TP → precision 0 0 1 made monotone 1 1 1 → AP 1. Were they false positives,
    // precision would end at 1/3 and AP would be 1/3.
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 10, 10]), gtBox(0, CAT, [100, 100, 200, 200], true)]);
    const pred = boxColumnsOf([
      predBox(0, CAT, [110, 110, 120, 120], 0.95),
      predBox(0, CAT, [150, 150, 160, 160], 0.92),
      predBox(0, CAT, [0, 0, 10, 10], 0.9),
    ]);
    const result = cocoMeanAveragePrecision(gt, pred, oneImage, 1);
    expect(result.map).toBeCloseTo(1, 12);
    expect(result.gtCountPerClass[0]).toBeCloseTo(1, 12);
  });

  it('ranks equal scores in input order, as pycocotools does with its stable sort', () => {
    // One ground-truth box, two detections with score .5: a hit and a miss.
    // Hit first: recall 1 1, precision 1 .5 → every recall point reads 1 → AP 1.
    // Miss first: recall 0 1, precision 0 .5 → monotone .5 .5 → AP .5.
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 10, 10])]);
    const hit = predBox(0, CAT, [0, 0, 10, 10], 0.5);
    const miss = predBox(0, CAT, [50, 50, 60, 60], 0.5);
    expect(cocoMeanAveragePrecision(gt, boxColumnsOf([hit, miss]), oneImage, 1).map).toBeCloseTo(1, 12);
    expect(cocoMeanAveragePrecision(gt, boxColumnsOf([miss, hit]), oneImage, 1).map).toBeCloseTo(0.5, 12);
  });

  it('ranks equal scores across images by image index', () => {
    // Same tie split over two images: the miss is in image 0, so it ranks first → AP .5.
    const gt = boxColumnsOf([gtBox(1, CAT, [0, 0, 10, 10])]);
    const pred = boxColumnsOf([predBox(1, CAT, [0, 0, 10, 10], 0.5), predBox(0, CAT, [0, 0, 10, 10], 0.5)]);
    expect(cocoMeanAveragePrecision(gt, pred, Uint8Array.from([1, 1]), 1).map).toBeCloseTo(0.5, 12);
  });

  it('keeps only the 100 best detections per image and class', () => {
    // 100 misses scoring above one hit: with the cap the hit is dropped (AP 0); a 99th miss fewer and it counts.
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 10, 10])]);
    const misses = (n: number) => Array.from({ length: n }, (_, i) => predBox(0, CAT, [1000 + i * 20, 0, 1010 + i * 20, 10], 0.9));
    const hit = predBox(0, CAT, [0, 0, 10, 10], 0.1);
    expect(cocoMeanAveragePrecision(gt, boxColumnsOf([...misses(100), hit]), oneImage, 1).map).toBe(0);
    // 99 misses then the hit: recall reaches 1 at rank 100 with precision 1/100 → AP 0.01.
    expect(cocoMeanAveragePrecision(gt, boxColumnsOf([...misses(99), hit]), oneImage, 1).map).toBeCloseTo(0.01, 12);
  });

  it('matches at IoU equal to the threshold (COCO keeps pairs with IoU ≥ t)', () => {
    // [0,0,10,5] on [0,0,10,10]: IoU exactly .5, a hit at .50 only → AP50 1, AP75 0, AP = 1/10.
    const gt = boxColumnsOf([gtBox(0, CAT, [0, 0, 10, 10])]);
    const result = cocoMeanAveragePrecision(gt, boxColumnsOf([predBox(0, CAT, [0, 0, 10, 5], 0.9)]), oneImage, 1);
    expect([result.map50, result.map75]).toEqual([expect.closeTo(1, 12), 0]);
    expect(result.map).toBeCloseTo(0.1, 12);
  });
});

describe('interpolatedAp', () => {
  it('reads 0 for recall never reached and counts ignored ranks as neither', () => {
    // 2 GT, one TP: recall tops at .5 → points 0..0.5 (51) read 1, the other 50 read 0.
    expect(interpolatedAp([1], 2)).toBeCloseTo(51 / 101, 12);
    expect(interpolatedAp([-1, 1], 1)).toBeCloseTo(1, 12);
    expect(interpolatedAp([], 3)).toBe(0);
  });
});
