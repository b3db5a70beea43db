import { type BoxColumns, boxCount } from './box-columns.js';
import { boxIou } from './iou.js';
import { crowdLast, matchGreedy, sortByScoreDescending } from './match.js';

/** COCO's IoU thresholds .50:.05:.95, computed as numpy's linspace does so that a tie at a threshold resolves alike. */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, 10);
/** COCO's 101 recall points 0:.01:1. */
const RECALL_POINTS: readonly number[] = linspace(0, 1, 101);
/** COCO keeps the 100 highest-scoring detections per image and class. */
export const COCO_MAX_DETECTIONS = 100;
const IOU_50 = 0;
const IOU_75 = 5;

export interface CocoMapResult {
  /** Mean over classes with ground truth of AP averaged over IoU .50:.95 (COCO's AP, area all, maxDets 100). */
  map: number;
  map50: number;
  map75: number;
  /** Per class; NaN for a class with no (non-crowd) ground truth, which COCO leaves out of the mean (its -1). */
  apPerClass: Float64Array;
  ap50PerClass: Float64Array;
  ap75PerClass: Float64Array;
  /** Non-crowd ground-truth boxes per class in the evaluated images. */
  gtCountPerClass: Int32Array;
}

/**
 * COCO bbox evaluation for area range `all`, reproducing pycocotools' COCOeval: per image and class the 100 best
 * detections are matched greedily at each IoU threshold; detections matched to a crowd region are ignored; each
 * class's detections are then ranked by score (ties in image order, then input order), and precision is made
 * monotone and read at 101 recall points. Only images with `evaluated[i] === 1` take part. Detections of a class
 * index outside `classCount` are not evaluated (COCO ignores categories it does not know).
 */
export function cocoMeanAveragePrecision(gt: BoxColumns, pred: BoxColumns, evaluated: Uint8Array, classCount: number): CocoMapResult {
  const gtCells = cellsByImageAndClass(gt, evaluated, classCount);
  const predCells = cellsByImageAndClass(pred, evaluated, classCount);
  const thresholdCount = COCO_IOU_THRESHOLDS.length;
  const apPerThreshold = Array.from({ length: classCount }, () => new Float64Array(thresholdCount).fill(Number.NaN));
  const gtCountPerClass = new Int32Array(classCount);

  const cellsByClass = occupiedCellsByClass(gtCells, predCells, classCount);
  for (let k = 0; k < classCount; k += 1) {
    const scores: number[] = [];
    /** Per threshold, per ranked detection: 1 true positive, 0 false positive, -1 ignored (matched a crowd). */
    const outcomes: number[][] = Array.from({ length: thresholdCount }, () => []);
    let gtCount = 0;
    for (const image of cellsByClass[k] ?? []) {
      const cell = image * classCount + k;
      const gts = crowdLast(gt, gtCells.get(cell) ?? []);
      const preds = sortByScoreDescending(pred, predCells.get(cell) ?? []).slice(0, COCO_MAX_DETECTIONS);
      const gtCrowd = gts.map((g) => gt.crowd[g] as number);
      gtCount += gtCrowd.filter((c) => c !== 1).length;
      if (preds.length === 0) continue;
      const ious = new Float64Array(preds.length * gts.length);
      preds.forEach((p, pi) => gts.forEach((g, gi) => (ious[pi * gts.length + gi] = boxIou(pred.xyxy, p, gt.xyxy, g, gtCrowd[gi] === 1))));
      for (const p of preds) scores.push(pred.score[p] as number);
      COCO_IOU_THRESHOLDS.forEach((threshold, t) => {
        const { predToGt } = matchGreedy(ious, preds.length, gts.length, gtCrowd, threshold);
        for (const g of predToGt) outcomes[t]?.push(g === -1 ? 0 : gtCrowd[g] === 1 ? -1 : 1);
      });
    }
    gtCountPerClass[k] = gtCount;
    if (gtCount === 0) continue;
    const ranked = Array.from(scores.keys()).sort((a, b) => (scores[b] as number) - (scores[a] as number));
    outcomes.forEach((outcome, t) => {
      (apPerThreshold[k] as Float64Array)[t] = interpolatedAp(ranked.map((d) => outcome[d] as number), gtCount);
    });
  }

  const apPerClass = Float64Array.from(apPerThreshold, (perT) => mean(perT));
  const ap50PerClass = Float64Array.from(apPerThreshold, (perT) => perT[IOU_50] as number);
  const ap75PerClass = Float64Array.from(apPerThreshold, (perT) => perT[IOU_75] as number);
  return {
    map: meanIgnoringNaN(apPerClass),
    map50: meanIgnoringNaN(ap50PerClass),
    map75: meanIgnoringNaN(ap75PerClass),
    apPerClass,
    ap50PerClass,
    ap75PerClass,
    gtCountPerClass,
  };
}

/**
 * COCO's 101-point interpolated AP of ranked outcomes (1 TP, 0 FP, -1 ignored: it keeps its rank but counts as
 * neither). Precision at recall r is the best precision at any recall ≥ r; a recall never reached reads 0.
 */
export function interpolatedAp(rankedOutcomes: readonly number[], gtCount: number): number {
  const n = rankedOutcomes.length;
  const recall = new Float64Array(n);
  const precision = new Float64Array(n);
  let tp = 0;
  let fp = 0;
  rankedOutcomes.forEach((outcome, i) => {
    if (outcome === 1) tp += 1;
    else if (outcome === 0) fp += 1;
    recall[i] = tp / gtCount;
    // pycocotools adds numpy's spacing(1) so that 0/0 reads 0.
    precision[i] = tp / (tp + fp + Number.EPSILON);
  });
  for (let i = n - 1; i > 0; i -= 1) if ((precision[i] as number) > (precision[i - 1] as number)) precision[i - 1] = precision[i] as number;
  let sum = 0;
  let from = 0;
  for (const point of RECALL_POINTS) {
    // First rank whose recall reaches the point (numpy searchsorted, side left); recall only grows.
    while (from < n && (recall[from] as number) < point) from += 1;
    if (from < n) sum += precision[from] as number;
  }
  return sum / RECALL_POINTS.length;
}

/** numpy.linspace(start, stop, count): start + i·step with the last value exactly `stop`. */
function linspace(start: number, stop: number, count: number): number[] {
  const step = (stop - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? stop : i * step + start));
}

function cellsByImageAndClass(boxes: BoxColumns, evaluated: Uint8Array, classCount: number): Map<number, number[]> {
  const cells = new Map<number, number[]>();
  for (let b = 0; b < boxCount(boxes); b += 1) {
    const image = boxes.imageIndex[b] as number;
    const k = boxes.classIndex[b] as number;
    if (evaluated[image] !== 1 || k < 0 || k >= classCount) continue;
    const key = image * classCount + k;
    const list = cells.get(key);
    if (list === undefined) cells.set(key, [b]);
    else list.push(b);
  }
  return cells;
}

/** Per class, the images (ascending) that have ground truth or detections of it: the only cells worth visiting. */
function occupiedCellsByClass(gtCells: Map<number, number[]>, predCells: Map<number, number[]>, classCount: number): number[][] {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  const keys = new Set([...gtCells.keys(), ...predCells.keys()]);
  for (const key of keys) byClass[key % classCount]?.push(Math.floor(key / classCount));
  for (const images of byClass) images.sort((a, b) => a - b);
  return byClass;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += values[i] as number;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Mean of the non-NaN values; NaN when there are none. */
export function meanIgnoringNaN(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    sum += v;
    count += 1;
  }
  return count === 0 ? Number.NaN : sum / count;
}
