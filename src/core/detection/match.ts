import { type BoxColumns, boxCount, groupByImage } from './box-columns.js';
import { boxIou } from './iou.js';

/** COCO's upper bound on a matching threshold, so that an IoU of exactly 1 can still match at threshold 1. */
const MAX_IOU_THRESHOLD = 1 - 1e-10;

/**
 * Greedy COCO matching of one image's boxes. `ious` is row-major predictions × ground truth, predictions in
 * descending score, ground truth with crowd regions last; a negative IoU forbids the pair. Each prediction takes the
 * unmatched ground truth with the highest IoU ≥ threshold (a crowd region may take any number); once it holds a
 * real box it does not move on to a crowd region. Returns local indices, -1 for none; a crowd keeps its first match.
 */
export function matchGreedy(
  ious: Float64Array,
  predCount: number,
  gtCount: number,
  gtCrowd: ArrayLike<number>,
  iouThreshold: number,
): { predToGt: Int32Array; gtToPred: Int32Array } {
  const predToGt = new Int32Array(predCount).fill(-1);
  const gtToPred = new Int32Array(gtCount).fill(-1);
  for (let p = 0; p < predCount; p += 1) {
    let best = -1;
    let bestIou = Math.min(iouThreshold, MAX_IOU_THRESHOLD);
    for (let g = 0; g < gtCount; g += 1) {
      const crowd = gtCrowd[g] === 1;
      if (gtToPred[g] !== -1 && !crowd) continue;
      if (best !== -1 && gtCrowd[best] !== 1 && crowd) break;
      const iou = ious[p * gtCount + g] as number;
      if (iou < bestIou) continue;
      bestIou = iou;
      best = g;
    }
    if (best === -1) continue;
    predToGt[p] = best;
    if (gtToPred[best] === -1) gtToPred[best] = p;
  }
  return { predToGt, gtToPred };
}

export interface MatchOptions {
  /** A pair matches when its IoU is at least this (COCO: ≥). */
  iouThreshold: number;
  /**
   * true: a prediction only matches ground truth of its class (COCO evaluation). false: any class (FiftyOne's
   * `classwise=False`, used for mistakenness and the confusion matrix), except that a crowd region only takes its own class.
   */
  classwise: boolean;
  /** Predictions scoring below this take no part (they are neither matched nor false positives). */
  minScore: number;
}

/** Global matches between two box sets, by box index. */
export interface DetectionMatches {
  /** Per prediction: the ground-truth box it matched, or -1 (also -1 when below `minScore` or on an image not evaluated). */
  predToGt: Int32Array;
  /** Per prediction: IoU with its match, NaN when unmatched. */
  predIou: Float32Array;
  /** Per prediction: 1 when it took part (image evaluated, score ≥ minScore). */
  predEvaluated: Uint8Array;
  /** Per ground-truth box: the first (highest-scoring) prediction that matched it, or -1. */
  gtToPred: Int32Array;
}

/**
 * Matches predictions to ground truth image by image. Only images with `evaluated[i] === 1` take part (the images
 * the ground truth covers). Ties in score keep the predictions' input order, as COCO's stable sort does.
 */
export function matchDetections(
  gt: BoxColumns,
  pred: BoxColumns,
  evaluated: Uint8Array,
  options: MatchOptions,
): DetectionMatches {
  const imageCount = evaluated.length;
  const predCount = boxCount(pred);
  const predToGt = new Int32Array(predCount).fill(-1);
  const predIou = new Float32Array(predCount).fill(Number.NaN);
  const predEvaluated = new Uint8Array(predCount);
  const gtToPred = new Int32Array(boxCount(gt)).fill(-1);
  const gtByImage = groupByImage(gt, imageCount);
  const predByImage = groupByImage(pred, imageCount);

  for (let image = 0; image < imageCount; image += 1) {
    if (evaluated[image] !== 1) continue;
    const preds = sortByScoreDescending(pred, predByImage.order.subarray(predByImage.start[image], predByImage.start[image + 1])).filter(
      (p) => (pred.score[p] as number) >= options.minScore,
    );
    const gts = crowdLast(gt, gtByImage.order.subarray(gtByImage.start[image], gtByImage.start[image + 1]));
    for (const p of preds) predEvaluated[p] = 1;
    if (preds.length === 0 || gts.length === 0) continue;

    const ious = new Float64Array(preds.length * gts.length);
    const gtCrowd = gts.map((g) => gt.crowd[g] as number);
    preds.forEach((p, pi) => {
      gts.forEach((g, gi) => {
        const sameClass = pred.classIndex[p] === gt.classIndex[g];
        const allowed = sameClass || (!options.classwise && gtCrowd[gi] !== 1);
        ious[pi * gts.length + gi] = allowed ? boxIou(pred.xyxy, p, gt.xyxy, g, gtCrowd[gi] === 1) : -1;
      });
    });
    const local = matchGreedy(ious, preds.length, gts.length, gtCrowd, options.iouThreshold);
    preds.forEach((p, pi) => {
      const gi = local.predToGt[pi] as number;
      if (gi === -1) return;
      predToGt[p] = gts[gi] as number;
      predIou[p] = ious[pi * gts.length + gi] as number;
    });
    gts.forEach((g, gi) => {
      const pi = local.gtToPred[gi] as number;
      if (pi !== -1) gtToPred[g] = preds[pi] as number;
    });
  }
  return { predToGt, predIou, predEvaluated, gtToPred };
}

/** Box indices by descending score; equal scores keep their order (a stable sort, like COCO's mergesort). */
export function sortByScoreDescending(boxes: BoxColumns, indices: ArrayLike<number>): number[] {
  return Array.from(indices).sort((a, b) => (boxes.score[b] as number) - (boxes.score[a] as number));
}

/** Box indices with crowd regions moved last, order otherwise kept. */
export function crowdLast(boxes: BoxColumns, indices: ArrayLike<number>): number[] {
  const all = Array.from(indices);
  return [...all.filter((g) => boxes.crowd[g] !== 1), ...all.filter((g) => boxes.crowd[g] === 1)];
}
