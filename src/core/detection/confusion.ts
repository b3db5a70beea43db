import { type BoxColumns, boxCount } from './box-columns.js';
import { matchDetections } from './match.js';
import type { DetectionEvalOptions } from './per-image.js';

/**
 * Detection confusion matrix, row-major (classCount + 1)²: rows are ground-truth classes, columns predicted classes,
 * and index `classCount` is background on both. Boxes are matched without regard to class (as FiftyOne's
 * `classwise=False` and Ultralytics' matrix do), so a box found with the wrong class lands off the diagonal instead of
 * counting as one miss plus one false alarm. An unmatched ground-truth box counts in its row's background column
 * (missed); an unmatched prediction in the background row (false alarm); a prediction on a crowd region counts nowhere.
 */
export interface DetectionConfusionMatrix {
  /** Number of classes; the matrix side is `classCount + 1`. */
  classCount: number;
  counts: Int32Array;
}

export function detectionConfusionMatrix(
  gt: BoxColumns,
  pred: BoxColumns,
  covered: Uint8Array,
  classCount: number,
  options: DetectionEvalOptions = {},
): DetectionConfusionMatrix {
  const side = classCount + 1;
  const background = classCount;
  const counts = new Int32Array(side * side);
  const inRange = (k: number) => (k >= 0 && k < classCount ? k : -1);
  const matches = matchDetections(gt, pred, covered, { iouThreshold: options.iouThreshold ?? 0.5, classwise: false, minScore: options.minScore ?? 0 });
  for (let p = 0; p < boxCount(pred); p += 1) {
    const column = inRange(pred.classIndex[p] as number);
    if (matches.predEvaluated[p] !== 1 || column === -1) continue;
    const g = matches.predToGt[p] as number;
    if (g !== -1 && gt.crowd[g] === 1) continue;
    const row = g === -1 ? background : inRange(gt.classIndex[g] as number);
    if (row === -1) continue;
    counts[row * side + column] = (counts[row * side + column] as number) + 1;
  }
  for (let g = 0; g < boxCount(gt); g += 1) {
    const row = inRange(gt.classIndex[g] as number);
    if (row === -1 || covered[gt.imageIndex[g] as number] !== 1 || gt.crowd[g] === 1 || matches.gtToPred[g] !== -1) continue;
    counts[row * side + background] = (counts[row * side + background] as number) + 1;
  }
  return { classCount, counts };
}
