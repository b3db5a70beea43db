import { findColumns, readCsvTable } from '../dataset/csv.js';
import { readPredictionsText } from './read-text.js';
import { ABSENT, joinPredictionRecords, type PredictionRecord, type ScoreKind } from './join-predictions.js';
import type { ClassificationPredictionsResult, LabelledImage } from './types.js';

export type { ClassificationPredictions, ImagePrediction, LabelledImage, ProbabilityMatrix } from './types.js';
export type ClassificationCsvResult = ClassificationPredictionsResult;

export const PROBABILITY_PREFIX = 'prob_';
export const LOGIT_PREFIX = 'logit_';

/**
 * Joins a classification predictions CSV to the images:
 * `path,predicted_label,confidence[,prob_<class>...]` or `...[,logit_<class>...]` (softmaxed per row).
 * With score columns, `predicted_label` and `confidence` may be left out: they become the argmax and its probability.
 * `classes` are the dataset's classes, used to count predictions of classes no image has.
 */
export function parseClassificationCsv(text: string, file: string, images: readonly LabelledImage[], classes: readonly string[]): ClassificationPredictionsResult {
  const read = readCsvTable(text, file);
  if ('problem' in read) return { ok: false, problems: [read.problem] };
  const { header, records } = read.table;
  const refuse = (message: string): ClassificationPredictionsResult => ({ ok: false, problems: [{ file, line: 1, kind: 'missing-column', message: `${file} line 1: ${message}; the file is ignored.` }] });

  const probColumns = scoreColumns(header, PROBABILITY_PREFIX);
  const logitColumns = scoreColumns(header, LOGIT_PREFIX);
  if (probColumns.length > 0 && logitColumns.length > 0) return refuse(`the header has both ${PROBABILITY_PREFIX}* and ${LOGIT_PREFIX}* columns; give one kind of score`);
  const [scoreKind, prefix, score]: [ScoreKind, string, typeof probColumns] = logitColumns.length > 0 ? ['logit', LOGIT_PREFIX, logitColumns] : ['probability', PROBABILITY_PREFIX, probColumns];

  const required = score.length > 0 ? (['path'] as const) : (['path', 'predicted_label', 'confidence'] as const);
  const columns = findColumns(header, required);
  if (columns.missing.length > 0) {
    const names = columns.missing.map((c) => `'${c}'`).join(', ');
    return refuse(`the header has no ${names} column${columns.missing.length > 1 ? 's' : ''} (found: ${header.join(', ') || 'nothing'})`);
  }
  const optional = findColumns(header, ['predicted_label', 'confidence'] as const).index;
  const duplicates = score.map((c) => c.className).filter((c, i, all) => all.indexOf(c) !== i);
  if (duplicates.length > 0) return refuse(`the header names the score of '${duplicates[0]}' twice`);

  function* predictionRecords(): Generator<PredictionRecord> {
    for (const { fields, line } of records) {
      yield {
        line,
        at: `${file} line ${line}`,
        path: fields[columns.index.path],
        predictedLabel: optional.predicted_label === undefined ? ABSENT : fields[optional.predicted_label],
        confidence: optional.confidence === undefined ? ABSENT : fields[optional.confidence],
        scores: score.length > 0 ? score.map((c) => fields[c.index]) : null,
      };
    }
  }

  return {
    ok: true,
    ...joinPredictionRecords(predictionRecords(), {
      file,
      images,
      classes,
      scoreClasses: score.map((c) => c.className),
      scoreKind,
      scoreName: (className) => `${prefix}${className}`,
    }),
  };
}

function scoreColumns(header: readonly string[], prefix: string): { index: number; className: string }[] {
  return header.flatMap((name, index) => (name.toLowerCase().startsWith(prefix) ? [{ index, className: name.slice(prefix.length) }] : []));
}

export async function readClassificationCsv(
  filePath: string,
  displayName: string,
  images: readonly LabelledImage[],
  classes: readonly string[],
): Promise<ClassificationPredictionsResult> {
  const text = await readPredictionsText(filePath, displayName);
  return typeof text === 'string' ? parseClassificationCsv(text, displayName, images, classes) : text;
}
