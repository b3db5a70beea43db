import { type BoxColumns, boxCount } from './box-columns.js';
import { matchDetections } from './match.js';
import type { DetectionEvalOptions } from './per-image.js';

/** Counts and rates per class from class-aware greedy matching (IoU 0.5 by default) over the covered images. */
export interface PerClassDetectionMetrics {
  tp: Int32Array;
  fp: Int32Array;
  fn: Int32Array;
  /** NaN where the class has no prediction. */
  precision: Float64Array;
  /** NaN where the class has no (non-crowd) ground truth. */
  recall: Float64Array;
  /** 2TP / (2TP + FP + FN); NaN where the class has neither. */
  f1: Float64Array;
}

export function perClassDetectionMetrics(
  gt: BoxColumns,
  pred: BoxColumns,
  covered: Uint8Array,
  classCount: number,
  options: DetectionEvalOptions = {},
): PerClassDetectionMetrics {
  const matches = matchDetections(gt, pred, covered, { iouThreshold: options.iouThreshold ?? 0.5, classwise: true, minScore: options.minScore ?? 0 });
  const tp = new Int32Array(classCount);
  const fp = new Int32Array(classCount);
  const fn = new Int32Array(classCount);
  for (let p = 0; p < boxCount(pred); p += 1) {
    const k = pred.classIndex[p] as number;
    if (matches.predEvaluated[p] !== 1 || k < 0 || k >= classCount) continue;
    const g = matches.predToGt[p] as number;
    if (g === -1) fp[k] = (fp[k] as number) + 1;
    else if (gt.crowd[g] !== 1) tp[k] = (tp[k] as number) + 1;
  }
  for (let g = 0; g < boxCount(gt); g += 1) {
    const k = gt.classIndex[g] as number;
    if (covered[gt.imageIndex[g] as number] !== 1 || gt.crowd[g] === 1 || matches.gtToPred[g] !== -1) continue;
    if (k >= 0 && k < classCount) fn[k] = (fn[k] as number) + 1;
  }
  const rate = (num: number, den: number) => (den > 0 ? num / den : Number.NaN);
  return {
    tp,
    fp,
    fn,
    precision: Float64Array.from(tp, (t, k) => rate(t, t + (fp[k] as number))),
    recall: Float64Array.from(tp, (t, k) => rate(t, t + (fn[k] as number))),
    f1: Float64Array.from(tp, (t, k) => rate(2 * t, 2 * t + (fp[k] as number) + (fn[k] as number))),
  };
}
