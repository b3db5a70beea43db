import { promises as fs } from 'node:fs';
import { z } from 'zod';
import type { InputProblem, PredictionsInfo } from '../../shared/model/dataset.js';
import { findColumns, normalizeDatasetPath, readCsvTable } from '../dataset/csv.js';
import { ProblemList } from '../dataset/problems.js';
import { accuracy, crossEntropy } from './metrics.js';

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

export interface ClassificationPredictions {
  /** One entry per image, in the order of the images given; null when the file has no row for it. */
  predictions: (ImagePrediction | null)[];
  info: PredictionsInfo;
  /** Predicted class names that no image is labelled with (sorted). */
  unknownClasses: string[];
  problems: InputProblem[];
}

export type ClassificationCsvResult =
  | ({ ok: true } & ClassificationPredictions)
  /** The whole file was refused (not CSV, missing columns); nothing is joined. */
  | { ok: false; problems: InputProblem[] };

export interface LabelledImage {
  path: string;
  label: string | null;
}

export const PROBABILITY_PREFIX = 'prob_';
const REQUIRED_COLUMNS = ['path', 'predicted_label', 'confidence'] as const;
/** Probabilities rounded to a few decimals still sum within this of 1. */
const PROBABILITY_SUM_TOLERANCE = 0.01;
const EXAMPLES_SHOWN = 5;

const RowSchema = z.object({
  path: z.string({ error: 'the path field is missing' }).trim().min(1, { error: 'the path is empty' }).transform(normalizeDatasetPath),
  predictedLabel: z.string({ error: 'the predicted_label field is missing' }).trim().min(1, { error: 'predicted_label is empty' }),
});

const UnitIntervalSchema = z
  .string({ error: 'is missing' })
  .trim()
  .min(1, { error: 'is empty' })
  .transform(Number)
  .pipe(z.number({ error: 'is not a number' }).min(0, { error: 'is below 0' }).max(1, { error: 'is above 1' }));

export async function readClassificationCsv(
  filePath: string,
  displayName: string,
  images: readonly LabelledImage[],
  classes: readonly string[],
): Promise<ClassificationCsvResult> {
  const text = await fs.readFile(filePath, 'utf8').catch((err: NodeJS.ErrnoException) => err);
  if (typeof text !== 'string') {
    return { ok: false, problems: [{ file: displayName, kind: 'unreadable-file', message: `${displayName} cannot be read (${text.code ?? text.message}).` }] };
  }
  return parseClassificationCsv(text, displayName, images, classes);
}

/**
 * Joins a classification predictions CSV (`path,predicted_label,confidence[,prob_<class>...]`) to the images.
 * `classes` are the dataset's classes, used to count predictions of classes no image has.
 */
export function parseClassificationCsv(
  text: string,
  file: string,
  images: readonly LabelledImage[],
  classes: readonly string[],
): ClassificationCsvResult {
  const read = readCsvTable(text, file);
  if ('problem' in read) return { ok: false, problems: [read.problem] };
  const { header, records } = read.table;
  const columns = findColumns(header, REQUIRED_COLUMNS);
  if (columns.missing.length > 0) {
    const names = columns.missing.map((c) => `'${c}'`).join(', ');
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          kind: 'missing-column',
          message: `${file} line 1: the header has no ${names} column${columns.missing.length > 1 ? 's' : ''} (found: ${header.join(', ') || 'nothing'}); the file is ignored.`,
        },
      ],
    };
  }

  const probabilityColumns = header.flatMap((name, index) => (name.startsWith(PROBABILITY_PREFIX) ? [{ index, className: name.slice(PROBABILITY_PREFIX.length) }] : []));
  const probabilityColumnOf = new Map(probabilityColumns.map((c, i) => [c.className, i]));
  const ProbabilitiesSchema = z.array(UnitIntervalSchema).length(probabilityColumns.length);
  const indexByPath = new Map(images.map((image, i) => [image.path, i]));
  const knownClasses = new Set(classes);
  const predictions: (ImagePrediction | null)[] = images.map(() => null);
  const firstLineOf = new Map<string, number>();
  const unknownClassRows = new Map<string, number>();
  const problems = new ProblemList();
  let labelsWithoutProbability = 0;
  const at = (line: number) => `${file} line ${line}`;

  for (const { fields, line } of records) {
    const row = RowSchema.safeParse({ path: fields[columns.index.path], predictedLabel: fields[columns.index.predicted_label] });
    if (!row.success) {
      const issue = row.error.issues[0];
      const kind = issue?.path[0] === 'predictedLabel' ? 'empty-prediction' : 'empty-path';
      problems.add({ file, line, kind, message: `${at(line)}: ${issue?.message ?? 'invalid row'}; the row is ignored.` });
      continue;
    }
    const { path: imagePath, predictedLabel } = row.data;
    const firstLine = firstLineOf.get(imagePath);
    if (firstLine !== undefined) {
      problems.add({ file, line, kind: 'duplicate-row', message: `${at(line)}: ${imagePath} already has a prediction on line ${firstLine}; the first row is used.` });
      continue;
    }
    firstLineOf.set(imagePath, line);
    const imageIndex = indexByPath.get(imagePath);
    if (imageIndex === undefined) {
      problems.add({ file, line, kind: 'unknown-path', message: `${at(line)}: ${imagePath} is not an image in the dataset; the row is ignored.` });
      continue;
    }
    if (knownClasses.size > 0 && !knownClasses.has(predictedLabel)) unknownClassRows.set(predictedLabel, (unknownClassRows.get(predictedLabel) ?? 0) + 1);

    const confidenceText = fields[columns.index.confidence];
    const confidence = UnitIntervalSchema.safeParse(confidenceText);
    if (!confidence.success) {
      problems.add({
        file,
        line,
        kind: 'bad-confidence',
        message: `${at(line)}: confidence '${confidenceText ?? ''}' of ${imagePath} ${confidence.error.issues[0]?.message ?? 'is invalid'} (must be a number in [0, 1]); it is left empty.`,
      });
    }

    const label = images[imageIndex]?.label ?? null;
    let loss: number | null = null;
    if (probabilityColumns.length > 0) {
      const probabilities = ProbabilitiesSchema.safeParse(probabilityColumns.map((c) => fields[c.index]));
      if (!probabilities.success) {
        const issue = probabilities.error.issues[0];
        const column = typeof issue?.path[0] === 'number' ? header[probabilityColumns[issue.path[0]]?.index ?? -1] : undefined;
        problems.add({
          file,
          line,
          kind: 'bad-probability',
          message: `${at(line)}: ${column ?? 'a probability'} of ${imagePath} ${issue?.message ?? 'is invalid'} (must be a number in [0, 1]); no loss for this image.`,
        });
      } else {
        const sum = probabilities.data.reduce((total, p) => total + p, 0);
        if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
          problems.add({ file, line, kind: 'probabilities-not-normalized', message: `${at(line)}: the probabilities of ${imagePath} sum to ${sum.toFixed(4)}, not 1.` });
        }
        if (label !== null) {
          const column = probabilityColumnOf.get(label);
          if (column === undefined) labelsWithoutProbability += 1;
          else loss = crossEntropy(probabilities.data[column] as number);
        }
      }
    }

    predictions[imageIndex] = {
      predictedLabel,
      confidence: confidence.success ? confidence.data : null,
      correct: label === null ? null : predictedLabel === label,
      loss,
    };
  }

  const result = problems.toArray();
  const unknownClasses = [...unknownClassRows.keys()].sort();
  if (unknownClasses.length > 0) {
    const rowCount = [...unknownClassRows.values()].reduce((a, b) => a + b, 0);
    const examples = unknownClasses.slice(0, EXAMPLES_SHOWN).map((c) => `'${c}' (${unknownClassRows.get(c)} rows)`).join(', ');
    result.push({ file, kind: 'unknown-class', message: `${file}: ${rowCount} rows predict classes no image is labelled with: ${examples}.` });
  }
  if (labelsWithoutProbability > 0) {
    result.push({
      file,
      kind: 'missing-probability-column',
      message: `${file}: ${labelsWithoutProbability} images have a label with no ${PROBABILITY_PREFIX}<label> column; their loss is unknown.`,
    });
  }
  const missing = images.filter((_, i) => predictions[i] === null);
  if (missing.length > 0) {
    const examples = missing.slice(0, EXAMPLES_SHOWN).map((image) => image.path).join(', ');
    result.push({ file, kind: 'missing-prediction', message: `${file}: ${missing.length} images have no prediction row, e.g. ${examples}.` });
  }

  return {
    ok: true,
    predictions,
    info: {
      file,
      matched: images.length - missing.length,
      missing: missing.length,
      hasProbabilities: probabilityColumns.length > 0,
      accuracy: accuracy(predictions.map((p) => p?.correct ?? null)),
    },
    unknownClasses,
    problems: result,
  };
}
