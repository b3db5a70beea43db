/** Dataset-level reports computed by the engine; plain data that crosses the API as is. */

export interface ClassMetrics {
  /** Class name, as in `ClassificationReport.classes`. */
  name: string;
  /** Of the images predicted as this class, the share labelled so; NaN when nothing is predicted as it. */
  precision: number;
  /** Of the images labelled this class, the share predicted so; NaN when no image is labelled so. */
  recall: number;
  /** Harmonic mean of precision and recall; NaN when either is NaN, 0 when both are 0. */
  f1: number;
  /** Images labelled this class (that have a prediction). */
  support: number;
}

/** How a classification model's predictions agree with the given labels. */
export interface ClassificationReport {
  /** Row and column order of `confusion`: the dataset's classes, then any class only the predictions use. */
  classes: string[];
  /** Images that have both a label and a prediction: what every figure below counts. */
  evaluated: number;
  /** Share of evaluated images predicted as labelled; NaN when none is evaluated. */
  accuracy: number;
  perClass: ClassMetrics[];
  /** Unweighted mean F1 over classes with a defined F1; NaN when none. */
  macroF1: number;
  /** classes × classes counts, row-major: row = given label, column = predicted class. */
  confusion: Int32Array;
}

/** One class of a detection report: COCO AP (every prediction ranked) and counts at IoU 0.5 above the display score. */
export interface DetectionClassMetrics {
  name: string;
  /** COCO AP averaged over IoU .50:.95; null when the class has no ground-truth box (COCO leaves it out of the mean). */
  ap: number | null;
  ap50: number | null;
  ap75: number | null;
  /** TP / (TP + FP) at IoU 0.5; null without predictions of the class. */
  precision: number | null;
  /** TP / (TP + FN) at IoU 0.5; null without ground truth of the class. */
  recall: number | null;
  /** 2TP / (2TP + FP + FN); null with neither. */
  f1: number | null;
  tp: number;
  fp: number;
  fn: number;
  /** Ground-truth boxes of the class (crowd / difficult regions excluded). */
  support: number;
}

/**
 * How an object detector's boxes agree with the ground-truth boxes, over the images the annotations cover. Undefined
 * figures are null rather than NaN, so that the report survives JSON (summary.json, the saved result) unchanged.
 */
export interface DetectionReport {
  /** Class names; row and column order of `confusion` (then background). */
  classes: string[];
  /** Images the annotations cover: what every figure below counts. */
  evaluated: number;
  /** COCO mAP@[.50:.95] (area all, 100 detections per image), mean over classes with ground truth; null when none. */
  map: number | null;
  map50: number | null;
  map75: number | null;
  /** IoU a prediction needs to count as a true positive in the counts, per-class P/R/F1 and confusion matrix. */
  iouThreshold: number;
  /** Predictions scoring below this are left out of the counts, P/R/F1 and confusion matrix (not of the APs). */
  minScore: number;
  perClass: DetectionClassMetrics[];
  /**
   * (classes + 1)² counts, row-major: row = ground-truth class, column = predicted class, the last row and column
   * being background (a missed box counts in its row's last column, a false alarm in the last row).
   */
  confusion: Int32Array;
}
