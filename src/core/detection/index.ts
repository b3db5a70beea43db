/**
 * Object detection: readers for COCO, YOLO and Pascal VOC into one column-oriented box shape, COCO-style matching,
 * per-image metrics with FiftyOne mistakenness, COCO mAP, per-class metrics, a confusion matrix, and the
 * points.csv columns. Pure library code: the engine decides when to read and where to store.
 */
export { type BoxColumns, type BoxInput, boxColumnsOf, BoxColumnsBuilder, boxCount, type DetectionSet } from './box-columns.js';
export { type ImageSize } from './box-checks.js';
export {
  type CocoGroundTruth,
  type CocoGroundTruthResult,
  type CocoResults,
  type CocoResultsTarget,
  cocoResultsTarget,
  cocoResultsTargetByStem,
  parseCocoGroundTruth,
  parseCocoResults,
  type SizeOf,
} from './coco.js';
export { COCO_IOU_THRESHOLDS, COCO_MAX_DETECTIONS, type CocoMapResult, cocoMeanAveragePrecision } from './coco-map.js';
export { type DetectionConfusionMatrix, detectionConfusionMatrix } from './confusion.js';
export { type DetectionEvaluation, evaluateDetections } from './evaluate.js';
export { ImagePathJoiner } from './image-join.js';
export { type DetectionMatches, matchDetections, type MatchOptions } from './match.js';
export { classMistakenness, locationMistakenness, POSSIBLY_MISSING_MIN_CONFIDENCE } from './mistakenness.js';
export { type PerClassDetectionMetrics, perClassDetectionMetrics } from './per-class.js';
export { type DetectionEvalOptions, type DetectionImageReport, type ObjectMistakenness, type PerImageDetectionMetrics, perImageDetectionMetrics } from './per-image.js';
export { DETECTION_POINTS_COLUMNS, type DetectionPointsColumnName, detectionPointsColumns } from './points-columns.js';
export { parseVocXml, readVocAnnotations, type VocAnnotation, type VocObject, type VocReadOptions } from './voc.js';
export { readYoloGroundTruth, readYoloPredictions } from './yolo.js';
export { parseYoloDataYaml, type YoloDataYaml, type YoloSplit, yoloSplitOfImage } from './yolo-data-yaml.js';
export { parseYoloTxt, yoloLabelPath } from './yolo-txt.js';
