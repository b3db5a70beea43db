import type { ClassificationReport, ClassMetrics } from '../../shared/model/reports.js';
import type { ScoreColumn } from '../../shared/model/scores.js';
import { numberColumn } from '../health/columns.js';
import { crossEntropy } from '../predictions/metrics.js';
import type { ImagePrediction, ProbabilityMatrix } from '../predictions/types.js';

/** Labels and predictions as class codes: what every label-quality function takes. */
export interface EncodedClassification {
  /** Code order: the dataset's classes, then classes only the predictions use. */
  classes: string[];
  /** Per image: index into `classes`, -1 when unlabelled. */
  labels: Int32Array;
  /** Per image: index into `classes`, -1 when the image has no prediction. */
  predicted: Int32Array;
  /** Per image: the prediction's confidence, NaN when none. */
  confidence: Float32Array;
}

/** Encodes string labels and joined predictions as class codes over the dataset classes (plus unknown predicted ones). */
export function encodeClassification(
  datasetClasses: readonly string[],
  labels: readonly (string | null)[],
  predictions: readonly (ImagePrediction | null)[] | null,
): EncodedClassification {
  const classes = [...datasetClasses];
  const codeOf = new Map(classes.map((c, i) => [c, i]));
  const code = (name: string): number => {
    let c = codeOf.get(name);
    if (c === undefined) {
      c = classes.length;
      classes.push(name);
      codeOf.set(name, c);
    }
    return c;
  };
  const count = labels.length;
  const out = { labels: new Int32Array(count), predicted: new Int32Array(count).fill(-1), confidence: new Float32Array(count).fill(Number.NaN) };
  for (let i = 0; i < count; i += 1) {
    const label = labels[i] ?? null;
    out.labels[i] = label === null ? -1 : code(label);
    const p = predictions?.[i] ?? null;
    if (p === null) continue;
    out.predicted[i] = code(p.predictedLabel);
    out.confidence[i] = p.confidence ?? Number.NaN;
  }
  return { classes, ...out };
}

/**
 * Reorders a predictions file's probability columns to `classes` (images × classes). Classes the file has no
 * column for get 0; the file's columns for classes outside `classes` are dropped and each row renormalised, so
 * the rows stay distributions over the classes the labels can take. Rows with no mass left become NaN.
 */
export function alignProbabilities(probs: ProbabilityMatrix, classes: readonly string[]): Float32Array {
  const fileColumnOf = new Map(probs.classes.map((c, j) => [c, j]));
  const from = classes.map((c) => fileColumnOf.get(c) ?? -1);
  const fileCount = probs.classes.length;
  const count = fileCount === 0 ? 0 : probs.values.length / fileCount;
  const k = classes.length;
  const out = new Float32Array(count * k).fill(Number.NaN);
  for (let i = 0; i < count; i += 1) {
    let sum = 0;
    for (let j = 0; j < k; j += 1) {
      const f = from[j] as number;
      sum += f < 0 ? 0 : (probs.values[i * fileCount + f] as number);
    }
    if (!(sum > 0)) continue;
    for (let j = 0; j < k; j += 1) {
      const f = from[j] as number;
      out[i * k + j] = f < 0 ? 0 : (probs.values[i * fileCount + f] as number) / sum;
    }
  }
  return out;
}

export interface ClassificationMetricsOptions {
  /** images × classes, aligned with `classes`, NaN rows where none; enables margin, loss, entropy. */
  probs?: Float32Array | null;
  /** The probabilities are softmaxed logits: mistakenness then takes confidence as exp(-entropy), as FiftyOne does. */
  probsFromLogits?: boolean;
}

export interface ClassificationMetrics {
  report: ClassificationReport;
  /** Per image: 1 predicted as labelled, 0 not, -1 unknown (no label or no prediction). */
  correct: Int8Array;
  /** confidence, margin, loss, entropy, mistakenness: NaN where they do not apply. */
  columns: ScoreColumn[];
}

/** Per-image scores and the dataset report of a classification model against the given labels. */
export function classificationMetrics(encoded: EncodedClassification, options: ClassificationMetricsOptions = {}): ClassificationMetrics {
  const { classes, labels, predicted } = encoded;
  const count = labels.length;
  const k = classes.length;
  const probs = options.probs ?? null;
  if (probs !== null && probs.length !== count * k) throw new Error(`classificationMetrics: probabilities have ${probs.length} values, expected ${count} × ${k}`);
  const correct = new Int8Array(count).fill(-1);
  const confidence = new Float32Array(count).fill(Number.NaN);
  const margin = new Float32Array(count).fill(Number.NaN);
  const loss = new Float32Array(count).fill(Number.NaN);
  const entropy = new Float32Array(count).fill(Number.NaN);
  const mistakenness = new Float32Array(count).fill(Number.NaN);

  for (let i = 0; i < count; i += 1) {
    const label = labels[i] as number;
    const pred = predicted[i] as number;
    if (label >= 0 && pred >= 0) correct[i] = label === pred ? 1 : 0;
    let conf = encoded.confidence[i] as number;
    if (probs !== null && !Number.isNaN(probs[i * k])) {
      let top1 = 0;
      let top2 = 0;
      let h = 0;
      for (let j = 0; j < k; j += 1) {
        const p = probs[i * k + j] as number;
        if (p > top1) {
          top2 = top1;
          top1 = p;
        } else if (p > top2) top2 = p;
        if (p > 0) h -= p * Math.log(p);
      }
      margin[i] = top1 - top2;
      entropy[i] = h;
      if (label >= 0) loss[i] = crossEntropy(probs[i * k + label] as number);
      if (options.probsFromLogits) conf = Math.exp(-h);
      else if (Number.isNaN(conf)) conf = top1;
    }
    confidence[i] = conf;
    // FiftyOne: m = +1 when the prediction is wrong, -1 when right; M = (m·conf + 1) / 2.
    if (correct[i] !== -1 && !Number.isNaN(conf)) mistakenness[i] = ((correct[i] === 0 ? 1 : -1) * conf + 1) / 2;
  }

  return {
    report: classificationReport(classes, labels, predicted),
    correct,
    columns: [
      numberColumn('confidence', 'Confidence', options.probsFromLogits ? 'Confidence of the prediction: exp(-entropy) of the softmaxed logits.' : 'Confidence of the prediction, as the file gives it (else its top probability).', confidence, false),
      numberColumn('margin', 'Margin', 'Top probability minus the second: small when the model hesitates between two classes.', margin, false),
      numberColumn('loss', 'Loss', 'Cross-entropy of the given label, -ln p(label), with p clipped at 1e-7.', loss, true),
      numberColumn('entropy', 'Hardness (entropy)', 'Entropy of the predicted probabilities in nats (FiftyOne hardness): high when the model is unsure.', entropy, true),
      numberColumn('mistakenness', 'Mistakenness', 'FiftyOne mistakenness (m·conf + 1) / 2 with m = +1 for a wrong prediction, -1 for a right one: near 1 for confident misses.', mistakenness, true),
    ],
  };
}

/** Accuracy, per-class precision/recall/F1 and the confusion matrix over images with a label and a prediction. */
export function classificationReport(classes: readonly string[], labels: Int32Array, predicted: Int32Array): ClassificationReport {
  const k = classes.length;
  const confusion = new Int32Array(k * k);
  let evaluated = 0;
  let right = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] as number;
    const pred = predicted[i] as number;
    if (label < 0 || pred < 0) continue;
    evaluated += 1;
    if (label === pred) right += 1;
    confusion[label * k + pred] = (confusion[label * k + pred] as number) + 1;
  }
  const perClass: ClassMetrics[] = classes.map((name, c) => {
    let support = 0;
    let predictedAs = 0;
    for (let j = 0; j < k; j += 1) {
      support += confusion[c * k + j] as number;
      predictedAs += confusion[j * k + c] as number;
    }
    const hits = confusion[c * k + c] as number;
    const precision = predictedAs === 0 ? Number.NaN : hits / predictedAs;
    const recall = support === 0 ? Number.NaN : hits / support;
    const f1 = Number.isNaN(precision) || Number.isNaN(recall) ? Number.NaN : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { name, precision, recall, f1, support };
  });
  const f1s = perClass.map((m) => m.f1).filter((f) => !Number.isNaN(f));
  return {
    classes: [...classes],
    evaluated,
    accuracy: evaluated === 0 ? Number.NaN : right / evaluated,
    perClass,
    macroF1: f1s.length === 0 ? Number.NaN : f1s.reduce((a, b) => a + b, 0) / f1s.length,
    confusion,
  };
}
