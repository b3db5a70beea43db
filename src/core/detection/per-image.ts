import { type BoxColumns, boxCount } from './box-columns.js';
import { type MatchOptions, matchDetections } from './match.js';
import { classMistakenness, locationMistakenness, MISTAKENNESS_IOU, POSSIBLY_MISSING_MIN_CONFIDENCE } from './mistakenness.js';

export interface DetectionEvalOptions {
  /** IoU a prediction needs to count as a true positive; default 0.5. */
  iouThreshold?: number;
  /** Predictions below this score are left out of counts and matches; default 0 (all, as COCO and FiftyOne do). */
  minScore?: number;
}

/** Per-image results, one entry per dataset image; NaN for images the ground truth does not cover. */
export interface PerImageDetectionMetrics {
  tp: Float32Array;
  fp: Float32Array;
  fn: Float32Array;
  /** TP / (TP + FP); NaN with no prediction. */
  precision: Float32Array;
  /** TP / (TP + FN); NaN with no ground truth. */
  recall: Float32Array;
  /** 2TP / (2TP + FP + FN): the harmonic mean of the two, 0 when either is 0; NaN when the image has neither boxes nor predictions. */
  f1: Float32Array;
  /** Mean IoU of the true positives; NaN without any. */
  meanIou: Float32Array;
  /** Largest class mistakenness of the image's matched ground truth; NaN when none matched. */
  mistakenness: Float32Array;
  /** Largest location mistakenness of the image's matched ground truth; NaN when none matched. */
  locationMistakenness: Float32Array;
  possiblyMissing: Float32Array;
  possiblySpurious: Float32Array;
}

/** Per-box results of the mistakenness pass (class-agnostic matching at IoU 0.5, all predictions). */
export interface ObjectMistakenness {
  /** Per ground-truth box; NaN when unmatched. */
  gtMistakenness: Float32Array;
  gtLocationMistakenness: Float32Array;
  /** Per ground-truth box: 1 when no prediction overlaps it (crowd regions are never flagged). */
  gtPossiblySpurious: Uint8Array;
  /** Per prediction: 1 when unmatched and its confidence is above 0.95. */
  predPossiblyMissing: Uint8Array;
}

export interface DetectionImageReport {
  perImage: PerImageDetectionMetrics;
  objects: ObjectMistakenness;
}

/**
 * Per-image detection metrics and FiftyOne mistakenness. Counts come from class-aware greedy matching (COCO style):
 * a prediction matched to a crowd region is neither TP nor FP, an unmatched crowd region is not a FN. Mistakenness
 * comes from a second, class-agnostic matching at IoU 0.5 over all predictions, as FiftyOne's does: that is what
 * lets a box with the wrong class be caught as a likely label mistake. `covered[i] === 1` marks the images the
 * ground truth describes; the others get NaN.
 */
export function perImageDetectionMetrics(
  gt: BoxColumns,
  pred: BoxColumns,
  covered: Uint8Array,
  options: DetectionEvalOptions = {},
): DetectionImageReport {
  const imageCount = covered.length;
  const counting: MatchOptions = { iouThreshold: options.iouThreshold ?? 0.5, classwise: true, minScore: options.minScore ?? 0 };
  const counted = matchDetections(gt, pred, covered, counting);
  const nan = () => new Float32Array(imageCount).fill(Number.NaN);
  const zeroWhereCovered = () => Float32Array.from(covered, (c) => (c === 1 ? 0 : Number.NaN));
  const tp = zeroWhereCovered();
  const fp = zeroWhereCovered();
  const fn = zeroWhereCovered();
  const iouSum = new Float64Array(imageCount);

  for (let p = 0; p < boxCount(pred); p += 1) {
    if (counted.predEvaluated[p] !== 1) continue;
    const image = pred.imageIndex[p] as number;
    const g = counted.predToGt[p] as number;
    if (g === -1) fp[image] = (fp[image] as number) + 1;
    else if (gt.crowd[g] !== 1) {
      tp[image] = (tp[image] as number) + 1;
      iouSum[image] = (iouSum[image] as number) + (counted.predIou[p] as number);
    }
  }
  for (let g = 0; g < boxCount(gt); g += 1) {
    const image = gt.imageIndex[g] as number;
    if (covered[image] === 1 && gt.crowd[g] !== 1 && counted.gtToPred[g] === -1) fn[image] = (fn[image] as number) + 1;
  }

  const precision = nan();
  const recall = nan();
  const f1 = nan();
  const meanIou = nan();
  for (let i = 0; i < imageCount; i += 1) {
    if (covered[i] !== 1) continue;
    const t = tp[i] as number;
    const p = fp[i] as number;
    const n = fn[i] as number;
    if (t + p > 0) precision[i] = t / (t + p);
    if (t + n > 0) recall[i] = t / (t + n);
    if (t + p + n > 0) f1[i] = (2 * t) / (2 * t + p + n);
    if (t > 0) meanIou[i] = (iouSum[i] as number) / t;
  }

  const { objects, mistakenness, locationMistakenness: locMax, possiblyMissing, possiblySpurious } = mistakennessPass(gt, pred, covered);
  return {
    perImage: { tp, fp, fn, precision, recall, f1, meanIou, mistakenness, locationMistakenness: locMax, possiblyMissing, possiblySpurious },
    objects,
  };
}

function mistakennessPass(gt: BoxColumns, pred: BoxColumns, covered: Uint8Array) {
  const imageCount = covered.length;
  const matches = matchDetections(gt, pred, covered, { iouThreshold: MISTAKENNESS_IOU, classwise: false, minScore: Number.NEGATIVE_INFINITY });
  const gtCount = boxCount(gt);
  const gtMistakenness = new Float32Array(gtCount).fill(Number.NaN);
  const gtLocationMistakenness = new Float32Array(gtCount).fill(Number.NaN);
  const gtPossiblySpurious = new Uint8Array(gtCount);
  const predPossiblyMissing = new Uint8Array(boxCount(pred));
  const mistakenness = new Float32Array(imageCount).fill(Number.NaN);
  const locationMax = new Float32Array(imageCount).fill(Number.NaN);
  const possiblyMissing = Float32Array.from(covered, (c) => (c === 1 ? 0 : Number.NaN));
  const possiblySpurious = Float32Array.from(covered, (c) => (c === 1 ? 0 : Number.NaN));
  const raiseMax = (column: Float32Array, image: number, value: number) => {
    const current = column[image] as number;
    if (Number.isNaN(current) || value > current) column[image] = value;
  };

  for (let p = 0; p < boxCount(pred); p += 1) {
    if (matches.predEvaluated[p] !== 1 || matches.predToGt[p] !== -1) continue;
    if ((pred.score[p] as number) > POSSIBLY_MISSING_MIN_CONFIDENCE) {
      predPossiblyMissing[p] = 1;
      const image = pred.imageIndex[p] as number;
      possiblyMissing[image] = (possiblyMissing[image] as number) + 1;
    }
  }
  for (let g = 0; g < gtCount; g += 1) {
    const image = gt.imageIndex[g] as number;
    if (covered[image] !== 1) continue;
    const p = matches.gtToPred[g] as number;
    if (p === -1) {
      // A crowd region marks many objects to ignore, not one object a label could have invented.
      if (gt.crowd[g] === 1) continue;
      gtPossiblySpurious[g] = 1;
      possiblySpurious[image] = (possiblySpurious[image] as number) + 1;
      continue;
    }
    const confidence = pred.score[p] as number;
    const m = classMistakenness(confidence, pred.classIndex[p] === gt.classIndex[g]);
    const loc = locationMistakenness(confidence, matches.predIou[p] as number);
    gtMistakenness[g] = m;
    gtLocationMistakenness[g] = loc;
    raiseMax(mistakenness, image, m);
    raiseMax(locationMax, image, loc);
  }
  return {
    objects: { gtMistakenness, gtLocationMistakenness, gtPossiblySpurious, predPossiblyMissing },
    mistakenness,
    locationMistakenness: locationMax,
    possiblyMissing,
    possiblySpurious,
  };
}
