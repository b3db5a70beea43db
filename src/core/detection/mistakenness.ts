/**
 * FiftyOne's detection mistakenness (fiftyone brain, `compute_mistakenness` on detections), with confidences rather
 * than logits. Boxes are matched at IoU 0.5 without regard to class; for each matched ground-truth box:
 *   class mistakenness    M = (m·c + 1) / 2, m = +1 when the labels differ, -1 when they agree, c the prediction's confidence;
 *   location mistakenness L = (c·(2i − 1) + 1) / 2, i = (1 − IoU) / (1 − 0.5), so 0 at IoU 1 and 1 at IoU 0.5.
 * An unmatched prediction with confidence above 0.95 is "possibly missing" (the label likely lacks that object); an
 * unmatched ground-truth box is "possibly spurious". An image's mistakenness is the largest class mistakenness of its
 * matched boxes (FiftyOne's `np.max` over them; it writes -1 where there is none, we leave NaN).
 */
export const MISTAKENNESS_IOU = 0.5;
/** Strictly above this, an unmatched prediction is possibly missing from the labels. */
export const POSSIBLY_MISSING_MIN_CONFIDENCE = 0.95;

export function classMistakenness(confidence: number, labelsAgree: boolean): number {
  const m = labelsAgree ? -1 : 1;
  return (m * confidence + 1) / 2;
}

export function locationMistakenness(confidence: number, iou: number): number {
  const i = (1 - iou) / (1 - MISTAKENNESS_IOU);
  return (confidence * (2 * i - 1) + 1) / 2;
}
