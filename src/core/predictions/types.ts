import type { InputProblem, PredictionsInfo } from '../../shared/model/dataset.js';

/** One image's joined prediction. */
export interface ImagePrediction {
  predictedLabel: string;
  /** Null when the file's value was missing or invalid. */
  confidence: number | null;
  /** predicted === label; null when the image is unlabelled. */
  correct: boolean | null;
  /** -ln p(label) when the file has usable probabilities for the image's label, else null. */
  loss: number | null;
}

/** Class probabilities of every image: row i belongs to image i, column j to `classes[j]`. */
export interface ProbabilityMatrix {
  /** The file's class columns in file order (may include classes no image is labelled with). */
  classes: string[];
  /** images × classes, each row summing to 1; a NaN row where the image has no usable scores. */
  values: Float32Array;
}

export interface ClassificationPredictions {
  /** One entry per image, in the order of the images given; null when the file has no row for it. */
  predictions: (ImagePrediction | null)[];
  info: PredictionsInfo;
  /** Class names the file uses (predicted, or as a score column) that no image is labelled with (sorted). */
  unknownClasses: string[];
  problems: InputProblem[];
  /** Null when the file carries no per-class scores. */
  probs: ProbabilityMatrix | null;
  /** True when `probs` are softmaxed logits (FiftyOne then takes confidence as exp(-entropy)). */
  probsFromLogits: boolean;
}

export type ClassificationPredictionsResult =
  | ({ ok: true } & ClassificationPredictions)
  /** The whole file was refused (unreadable, not CSV/JSON, missing columns); nothing is joined. */
  | { ok: false; problems: InputProblem[] };

export interface LabelledImage {
  path: string;
  label: string | null;
}
