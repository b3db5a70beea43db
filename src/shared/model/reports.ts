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
