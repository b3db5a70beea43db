import { type BoxInput, boxColumnsOf } from './box-columns.js';

/** A tiny hand-checked scene shared by the metric tests; every expected number is derived in the tests' comments. */
export const CLASSES = ['cat', 'dog', 'bird'] as const;
export const CAT = 0;
export const DOG = 1;
export const BIRD = 2;

export function gtBox(imageIndex: number, classIndex: number, [x1, y1, x2, y2]: readonly number[], crowd = false): BoxInput {
  return { x1: x1 as number, y1: y1 as number, x2: x2 as number, y2: y2 as number, imageIndex, classIndex, score: Number.NaN, crowd };
}

export function predBox(imageIndex: number, classIndex: number, [x1, y1, x2, y2]: readonly number[], score: number): BoxInput {
  return { x1: x1 as number, y1: y1 as number, x2: x2 as number, y2: y2 as number, imageIndex, classIndex, score, crowd: false };
}

/**
 * Image 0: cat A [0,0,10,10], dog D [100,100,110,110]. Image 1: cat B [0,0,8,8], cat C [20,20,30,30].
 * Image 2 is not covered by the ground truth (its prediction must be ignored everywhere).
 */
export const sceneGt = boxColumnsOf([
  gtBox(0, CAT, [0, 0, 10, 10]),
  gtBox(0, DOG, [100, 100, 110, 110]),
  gtBox(1, CAT, [0, 0, 8, 8]),
  gtBox(1, CAT, [20, 20, 30, 30]),
]);

/**
 * p1 cat on A (IoU 1), score .9; bird 0.99 on empty ground (no bird exists in the labels);
 * p2 cat on B: [0,0,8,5] covers 40 of B's 64 px, IoU 40/64 = 0.625, score .8; p3 cat on nothing, .7;
 * p4 cat on C (IoU 1), .6; and a cat on the uncovered image 2.
 */
export const scenePred = boxColumnsOf([
  predBox(0, CAT, [0, 0, 10, 10], 0.9),
  predBox(0, BIRD, [200, 200, 210, 210], 0.99),
  predBox(1, CAT, [0, 0, 8, 5], 0.8),
  predBox(1, CAT, [50, 50, 60, 60], 0.7),
  predBox(1, CAT, [20, 20, 30, 30], 0.6),
  predBox(2, CAT, [0, 0, 10, 10], 0.9),
]);

export const sceneCovered = Uint8Array.from([1, 1, 0]);
