import { z } from 'zod';
import type { InputProblem } from '../../shared/model/dataset.js';
import { normalizeDatasetPath } from '../dataset/csv.js';
import { ProblemList } from '../dataset/problems.js';
import { accuracy, crossEntropy } from './metrics.js';
import type { ClassificationPredictions, ImagePrediction, LabelledImage } from './types.js';

export type ScoreKind = 'probability' | 'logit';

/** The confidence field is absent from the file (not merely empty): it is derived from the scores when there are some. */
export const ABSENT = Symbol('absent');

/**
 * One prediction as a file format read it, fields still raw (strings from CSV, anything from JSON): the join
 * validates them all the same way, so every format reports the same problems in the same words.
 */
export interface PredictionRecord {
  /** 1-based line for line-based formats (CSV, JSONL). */
  line?: number;
  /** Where the record is, for messages: 'p.csv line 3', 'p.json record 4'. */
  at: string;
  path: unknown;
  /** `ABSENT` when the format has no predicted label for the record (derived from the scores as their argmax). */
  predictedLabel: unknown;
  confidence: unknown;
  /** Raw scores aligned with the file's score classes, or null when the record has none. */
  scores: unknown[] | null;
}

export interface JoinSettings {
  file: string;
  images: readonly LabelledImage[];
  /** The dataset's classes, used to count predictions of classes no image has. */
  classes: readonly string[];
  /** The file's per-class score columns, in order; empty when it has none. */
  scoreClasses: readonly string[];
  scoreKind: ScoreKind;
  /** Names a class's score for messages, e.g. 'prob_cat' or 'probabilities.cat'. */
  scoreName: (className: string) => string;
}

/** A class missing from a sparse score map (JSON): probability 0, or a logit that softmaxes to exactly 0. */
export const MISSING_SCORE = Symbol('missing-score');
const MISSING_LOGIT = -1e30;

/** Probabilities rounded to a few decimals still sum within this of 1; further off is reported (and renormalised). */
export const PROBABILITY_SUM_TOLERANCE = 0.01;
const EXAMPLES_SHOWN = 5;

const PathSchema = z
  .string({ error: 'the path field is missing' })
  .trim()
  .min(1, { error: 'the path is empty' })
  .transform(normalizeDatasetPath);
const PredictedLabelSchema = z.string({ error: 'the predicted label is missing' }).trim().min(1, { error: 'the predicted label is empty' });
/** CSV gives strings, JSON numbers: both go through the same text parse so the messages match. */
const NumberSchema = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string({ error: 'is missing' }).trim().min(1, { error: 'is empty' }).transform(Number).pipe(z.number({ error: 'is not a number' })),
);
const UnitIntervalSchema = NumberSchema.pipe(z.number().min(0, { error: 'is below 0' }).max(1, { error: 'is above 1' }));
const LogitSchema = NumberSchema.pipe(z.number().finite({ error: 'is not finite' }));

/** Joins parsed prediction records to the images; bad records become problems and the rest goes on. */
export function joinPredictionRecords(records: Iterable<PredictionRecord>, settings: JoinSettings, earlyProblems: readonly InputProblem[] = []): ClassificationPredictions {
  const { file, images, classes, scoreClasses, scoreKind, scoreName } = settings;
  const classCount = scoreClasses.length;
  const scoreColumnOf = new Map(scoreClasses.map((c, i) => [c, i]));
  const ScoresSchema = z.array(scoreKind === 'probability' ? UnitIntervalSchema : LogitSchema).length(classCount);
  const indexByPath = new Map(images.map((image, i) => [image.path, i]));
  const knownClasses = new Set(classes);
  const predictions: (ImagePrediction | null)[] = images.map(() => null);
  const probs = classCount > 0 ? new Float32Array(images.length * classCount).fill(Number.NaN) : null;
  const firstAtOf = new Map<string, string>();
  const unknownClassRows = new Map<string, number>();
  const problems = new ProblemList();
  for (const p of earlyProblems) problems.add(p);
  let labelsWithoutScore = 0;
  const row = new Float64Array(classCount);

  for (const record of records) {
    const { at } = record;
    const where = record.line === undefined ? {} : { line: record.line };
    const path = PathSchema.safeParse(record.path);
    if (!path.success) {
      problems.add({ file, ...where, kind: 'empty-path', message: `${at}: ${path.error.issues[0]?.message ?? 'invalid path'}; the record is ignored.` });
      continue;
    }
    const imagePath = path.data;
    const given = record.predictedLabel === ABSENT ? null : PredictedLabelSchema.safeParse(record.predictedLabel);
    if (given !== null && !given.success) {
      problems.add({ file, ...where, kind: 'empty-prediction', message: `${at}: ${given.error.issues[0]?.message ?? 'invalid predicted label'}; the record is ignored.` });
      continue;
    }
    const firstAt = firstAtOf.get(imagePath);
    if (firstAt !== undefined) {
      problems.add({ file, ...where, kind: 'duplicate-row', message: `${at}: ${imagePath} already has a prediction (${firstAt}); the first one is used.` });
      continue;
    }
    firstAtOf.set(imagePath, at);
    const imageIndex = indexByPath.get(imagePath);
    if (imageIndex === undefined) {
      problems.add({ file, ...where, kind: 'unknown-path', message: `${at}: ${imagePath} is not an image in the dataset; the record is ignored.` });
      continue;
    }

    let confidence: number | null = null;
    if (record.confidence !== ABSENT) {
      const parsed = UnitIntervalSchema.safeParse(record.confidence);
      if (parsed.success) confidence = parsed.data;
      else {
        const shown = typeof record.confidence === 'string' || typeof record.confidence === 'number' ? String(record.confidence) : JSON.stringify(record.confidence);
        problems.add({
          file,
          ...where,
          kind: 'bad-confidence',
          message: `${at}: confidence '${shown ?? ''}' of ${imagePath} ${parsed.error.issues[0]?.message ?? 'is invalid'} (must be a number in [0, 1]); it is left empty.`,
        });
      }
    }

    let hasScores = false;
    if (record.scores !== null && classCount > 0) {
      const scores = ScoresSchema.safeParse(record.scores.map((v) => (v === MISSING_SCORE ? (scoreKind === 'probability' ? 0 : MISSING_LOGIT) : v)));
      if (!scores.success) {
        const issue = scores.error.issues[0];
        const column = typeof issue?.path[0] === 'number' ? scoreName(scoreClasses[issue.path[0]] ?? '?') : 'a score';
        const range = scoreKind === 'probability' ? 'a number in [0, 1]' : 'a finite number';
        problems.add({ file, ...where, kind: 'bad-probability', message: `${at}: ${column} of ${imagePath} ${issue?.message ?? 'is invalid'} (must be ${range}); its scores are ignored.` });
      } else {
        for (let j = 0; j < classCount; j += 1) row[j] = scores.data[j] as number;
        const outcome = scoreKind === 'probability' ? normalizeInPlace(row) : softmaxInPlace(row);
        if (outcome.sum <= 0) {
          problems.add({ file, ...where, kind: 'bad-probability', message: `${at}: the probabilities of ${imagePath} are all 0; its scores are ignored.` });
        } else {
          if (Math.abs(outcome.sum - 1) > PROBABILITY_SUM_TOLERANCE) {
            problems.add({ file, ...where, kind: 'probabilities-not-normalized', message: `${at}: the probabilities of ${imagePath} sum to ${outcome.sum.toFixed(4)}, not 1; they are renormalised.` });
          }
          hasScores = true;
          (probs as Float32Array).set(row, imageIndex * classCount);
        }
      }
    }

    let top = -1;
    if (hasScores) for (let j = 0; j < classCount; j += 1) if (top < 0 || (row[j] as number) > (row[top] as number)) top = j;
    let predictedLabel: string;
    if (given !== null && given.success) predictedLabel = given.data;
    else if (top >= 0) predictedLabel = scoreClasses[top] as string;
    else {
      problems.add({ file, ...where, kind: 'empty-prediction', message: `${at}: ${imagePath} has no predicted label and no usable scores; the record is ignored.` });
      continue;
    }
    if (confidence === null && record.confidence === ABSENT && top >= 0) confidence = row[top] as number;
    if (knownClasses.size > 0 && !knownClasses.has(predictedLabel)) unknownClassRows.set(predictedLabel, (unknownClassRows.get(predictedLabel) ?? 0) + 1);

    const label = images[imageIndex]?.label ?? null;
    let loss: number | null = null;
    if (hasScores && label !== null) {
      const column = scoreColumnOf.get(label);
      if (column === undefined) labelsWithoutScore += 1;
      else loss = crossEntropy(row[column] as number);
    }
    predictions[imageIndex] = { predictedLabel, confidence, correct: label === null ? null : predictedLabel === label, loss };
  }

  const result = problems.toArray();
  const unknownClasses = [...unknownClassRows.keys()].sort();
  if (unknownClasses.length > 0) {
    const rowCount = [...unknownClassRows.values()].reduce((a, b) => a + b, 0);
    const examples = unknownClasses.slice(0, EXAMPLES_SHOWN).map((c) => `'${c}' (${unknownClassRows.get(c)} rows)`).join(', ');
    result.push({ file, kind: 'unknown-class', message: `${file}: ${rowCount} rows predict classes no image is labelled with: ${examples}.` });
  }
  const unknownScoreClasses = knownClasses.size > 0 ? scoreClasses.filter((c) => !knownClasses.has(c)) : [];
  if (unknownScoreClasses.length > 0) {
    result.push({
      file,
      kind: 'unknown-score-class',
      message: `${file}: scores are given for ${unknownScoreClasses.length} classes no image is labelled with: ${unknownScoreClasses.slice(0, EXAMPLES_SHOWN).map((c) => `'${c}'`).join(', ')}.`,
    });
  }
  if (labelsWithoutScore > 0) {
    result.push({
      file,
      kind: 'missing-probability-column',
      message: `${file}: ${labelsWithoutScore} images have a label with no score for it (${scoreName('<label>')}); their loss is unknown.`,
    });
  }
  const missing = images.filter((_, i) => predictions[i] === null);
  if (missing.length > 0) {
    const examples = missing.slice(0, EXAMPLES_SHOWN).map((image) => image.path).join(', ');
    result.push({ file, kind: 'missing-prediction', message: `${file}: ${missing.length} images have no prediction, e.g. ${examples}.` });
  }

  return {
    predictions,
    info: {
      file,
      matched: images.length - missing.length,
      missing: missing.length,
      hasProbabilities: classCount > 0,
      accuracy: accuracy(predictions.map((p) => p?.correct ?? null)),
    },
    unknownClasses: [...new Set([...unknownClasses, ...unknownScoreClasses])].sort(),
    problems: result,
    probs: probs === null ? null : { classes: [...scoreClasses], values: probs },
    probsFromLogits: classCount > 0 && scoreKind === 'logit',
  };
}

/** Divides by the sum (when positive); returns the sum before. */
export function normalizeInPlace(values: Float64Array): { sum: number } {
  let sum = 0;
  for (const v of values) sum += v;
  if (sum > 0) for (let j = 0; j < values.length; j += 1) values[j] = (values[j] as number) / sum;
  return { sum };
}

/** Softmax with the max subtracted first, so large logits do not overflow; the sum is 1 by construction. */
export function softmaxInPlace(values: Float64Array): { sum: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  let sum = 0;
  for (let j = 0; j < values.length; j += 1) {
    const e = Math.exp((values[j] as number) - max);
    values[j] = e;
    sum += e;
  }
  for (let j = 0; j < values.length; j += 1) values[j] = (values[j] as number) / sum;
  return { sum: 1 };
}
