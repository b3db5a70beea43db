import type { PerImageDetectionMetrics } from './per-image.js';

/** points.csv column names of the per-image detection metrics, in the order `detectionPointsColumns` returns them. */
export const DETECTION_POINTS_COLUMNS = [
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
] as const;

export type DetectionPointsColumnName = (typeof DETECTION_POINTS_COLUMNS)[number];

/**
 * Per-image detection columns for points.csv, in image order (the shape `pointsCsv`'s `extra` takes): NaN, written
 * empty, where an image is not covered by the ground truth or the value is undefined.
 */
export function detectionPointsColumns(metrics: PerImageDetectionMetrics): { name: DetectionPointsColumnName; numbers: Float32Array }[] {
  const byName: Record<DetectionPointsColumnName, Float32Array> = {
    det_tp: metrics.tp,
    det_fp: metrics.fp,
    det_fn: metrics.fn,
    det_precision: metrics.precision,
    det_recall: metrics.recall,
    det_f1: metrics.f1,
    det_mean_iou: metrics.meanIou,
    mistakenness: metrics.mistakenness,
    possibly_missing: metrics.possiblyMissing,
    possibly_spurious: metrics.possiblySpurious,
  };
  return DETECTION_POINTS_COLUMNS.map((name) => ({ name, numbers: byName[name] }));
}
