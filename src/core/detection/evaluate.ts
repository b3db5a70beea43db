import type { BoxColumns, DetectionSet } from './box-columns.js';
import { type CocoMapResult, cocoMeanAveragePrecision } from './coco-map.js';
import { type DetectionConfusionMatrix, detectionConfusionMatrix } from './confusion.js';
import { type PerClassDetectionMetrics, perClassDetectionMetrics } from './per-class.js';
import { type DetectionEvalOptions, type ObjectMistakenness, type PerImageDetectionMetrics, perImageDetectionMetrics } from './per-image.js';

/** Everything the detection view needs, for predictions whose class indices follow the ground truth's names. */
export interface DetectionEvaluation {
  classNames: string[];
  perImage: PerImageDetectionMetrics;
  objects: ObjectMistakenness;
  /** At `options.iouThreshold` (0.5) and `options.minScore` (0). */
  perClass: PerClassDetectionMetrics;
  /** COCO AP; uses every prediction (COCO ranks them all), whatever `minScore` says. */
  coco: CocoMapResult;
  confusion: DetectionConfusionMatrix;
}

/** Evaluates predictions against ground truth over the images the ground truth covers. */
export function evaluateDetections(gt: DetectionSet, pred: BoxColumns, options: DetectionEvalOptions = {}): DetectionEvaluation {
  const classCount = gt.classNames.length;
  const { perImage, objects } = perImageDetectionMetrics(gt.boxes, pred, gt.covered, options);
  return {
    classNames: gt.classNames,
    perImage,
    objects,
    perClass: perClassDetectionMetrics(gt.boxes, pred, gt.covered, classCount, options),
    coco: cocoMeanAveragePrecision(gt.boxes, pred, gt.covered, classCount),
    confusion: detectionConfusionMatrix(gt.boxes, pred, gt.covered, classCount, options),
  };
}
