import { z } from 'zod';
import type { InputProblem } from '../../shared/model/dataset.js';
import { ABSENT, joinPredictionRecords, MISSING_SCORE, type PredictionRecord, type ScoreKind } from './join-predictions.js';
import type { ClassificationPredictionsResult, LabelledImage } from './types.js';

/*
 * Classification predictions as JSON or JSONL.
 *
 * JSON: either an array of records, or an object `{ "classes"?: string[], "predictions": record[] }`.
 * JSONL: one record per line; an optional first line `{ "classes": [...] }` (no "path") plays the role of the
 * top-level classes. Blank lines are skipped.
 *
 * record: {
 *   "path": string,                       // relative to the dataset root, as in labels.csv
 *   "predicted_label"?: string,           // default: the argmax of the scores
 *   "confidence"?: number,                // in [0, 1]; default: the top probability
 *   "probabilities"?: { "<class>": p, ... } | number[],
 *   "logits"?: { "<class>": z, ... } | number[]   // softmaxed per record
 * }
 *
 * Scores given as arrays follow the top-level `classes` (required for arrays). Scores given as maps may be sparse:
 * a missing class has probability 0. Without top-level classes the score classes are the dataset's classes, then
 * any other class names in order of first appearance. A file uses one kind of score, set by its first record with
 * scores; records with the other kind have their scores ignored (and reported).
 */

const ScoresSchema = z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]);
const RecordSchema = z.object(
  {
    path: z.unknown(),
    predicted_label: z.unknown().optional(),
    confidence: z.unknown().optional(),
    probabilities: ScoresSchema.optional(),
    logits: ScoresSchema.optional(),
  },
  { error: 'is not an object' },
);
type RawRecord = z.infer<typeof RecordSchema>;
const ClassesSchema = z.array(z.string().trim().min(1, { error: 'a class name is empty' }), { error: 'classes must be an array of class names' });
const DocumentSchema = z.union([
  z.array(z.unknown()),
  z.object({ classes: ClassesSchema.optional(), predictions: z.array(z.unknown(), { error: 'predictions must be an array' }) }, { error: 'must be an array of records or { classes?, predictions }' }),
]);

interface Located {
  record: RawRecord;
  line?: number;
  at: string;
}

export function parseClassificationJson(text: string, file: string, images: readonly LabelledImage[], classes: readonly string[]): ClassificationPredictionsResult {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, problems: [{ file, kind: 'malformed-json', message: `${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}; the file is ignored.` }] };
  }
  const parsed = DocumentSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problems: [{ file, kind: 'bad-json-shape', message: `${file}: ${issue?.message ?? 'unexpected shape'}; the file is ignored.` }] };
  }
  const [declaredClasses, rawRecords] = Array.isArray(parsed.data) ? [null, parsed.data] : [parsed.data.classes ?? null, parsed.data.predictions];
  const problems: InputProblem[] = [];
  const located: Located[] = [];
  rawRecords.forEach((raw, i) => {
    const at = `${file} record ${i + 1}`;
    const record = RecordSchema.safeParse(raw);
    if (record.success) located.push({ record: record.data, at });
    else problems.push({ file, kind: 'bad-record', message: `${at}: ${record.error.issues[0]?.message ?? 'is invalid'}; the record is ignored.` });
  });
  return { ok: true, ...joinRecords(located, declaredClasses, file, images, classes, problems) };
}

export function parseClassificationJsonl(text: string, file: string, images: readonly LabelledImage[], classes: readonly string[]): ClassificationPredictionsResult {
  const problems: InputProblem[] = [];
  const located: Located[] = [];
  let declaredClasses: string[] | null = null;
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((lineText, i) => {
    const line = i + 1;
    if (lineText.trim() === '') return;
    const at = `${file} line ${line}`;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (err) {
      problems.push({ file, line, kind: 'malformed-json', message: `${at}: not valid JSON (${err instanceof Error ? err.message : String(err)}); the line is ignored.` });
      return;
    }
    if (located.length === 0 && declaredClasses === null && isClassesHeader(value)) {
      const header = ClassesSchema.safeParse(value.classes);
      if (header.success) declaredClasses = header.data;
      else problems.push({ file, line, kind: 'bad-classes', message: `${at}: ${header.error.issues[0]?.message ?? 'invalid classes'}; the header is ignored.` });
      return;
    }
    const record = RecordSchema.safeParse(value);
    if (record.success) located.push({ record: record.data, line, at });
    else problems.push({ file, line, kind: 'bad-record', message: `${at}: the record ${record.error.issues[0]?.message ?? 'is invalid'}; the line is ignored.` });
  });
  if (located.length === 0 && problems.length > 0 && problems.every((p) => p.kind === 'malformed-json')) {
    return { ok: false, problems: [{ file, kind: 'malformed-json', message: `${file} has no valid JSON line (${problems.length} malformed); the file is ignored.` }] };
  }
  return { ok: true, ...joinRecords(located, declaredClasses, file, images, classes, problems) };
}

function isClassesHeader(value: unknown): value is { classes: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'classes' in value && !('path' in value);
}

function joinRecords(
  located: readonly Located[],
  declaredClasses: readonly string[] | null,
  file: string,
  images: readonly LabelledImage[],
  classes: readonly string[],
  problems: InputProblem[],
) {
  const firstScored = located.find(({ record }) => record.probabilities !== undefined || record.logits !== undefined)?.record;
  const scoreKind: ScoreKind = firstScored !== undefined && firstScored.probabilities === undefined ? 'logit' : 'probability';
  const field = scoreKind === 'probability' ? 'probabilities' : 'logits';
  const other = scoreKind === 'probability' ? 'logits' : 'probabilities';

  let scoreClasses: string[];
  if (declaredClasses !== null) scoreClasses = [...declaredClasses];
  else {
    // Dataset classes first, so the usual file needs no classes list; unknown names follow in order of appearance.
    const seen = new Set<string>();
    for (const { record } of located) {
      const scores = record[field];
      if (scores !== undefined && !Array.isArray(scores)) for (const key of Object.keys(scores)) seen.add(key);
    }
    scoreClasses = seen.size === 0 ? [] : [...classes.filter((c) => seen.has(c)), ...[...seen].filter((c) => !classes.includes(c))];
  }
  const columnOf = new Map(scoreClasses.map((c, j) => [c, j]));

  const where = (l: Located) => (l.line === undefined ? {} : { line: l.line });
  const records: PredictionRecord[] = located.map((l) => {
    const { record } = l;
    const pathText = typeof record.path === 'string' ? record.path : '(no path)';
    if (record[other] !== undefined) {
      problems.push({ file, ...where(l), kind: 'mixed-score-kinds', message: `${l.at}: ${pathText} gives ${other} while the file's first scored record gives ${field}; its ${other} are ignored.` });
    }
    let scores: unknown[] | null = null;
    const given = record[field];
    if (given !== undefined && Array.isArray(given)) {
      if (given.length === scoreClasses.length && declaredClasses !== null) scores = given;
      else {
        const why = declaredClasses === null ? 'an array needs a top-level classes list' : `${given.length} values for ${scoreClasses.length} classes`;
        problems.push({ file, ...where(l), kind: 'bad-probability', message: `${l.at}: the ${field} of ${pathText} cannot be matched to classes (${why}); its scores are ignored.` });
      }
    } else if (given !== undefined) {
      const unknown = Object.keys(given).filter((k) => !columnOf.has(k));
      if (unknown.length > 0) {
        problems.push({ file, ...where(l), kind: 'bad-probability', message: `${l.at}: the ${field} of ${pathText} name classes not in the classes list: ${unknown.slice(0, 5).map((c) => `'${c}'`).join(', ')}; its scores are ignored.` });
      } else scores = scoreClasses.map((c) => (Object.hasOwn(given, c) ? given[c] : MISSING_SCORE));
    }
    return {
      ...where(l),
      at: l.at,
      path: record.path,
      predictedLabel: record.predicted_label === undefined ? ABSENT : record.predicted_label,
      confidence: record.confidence === undefined ? ABSENT : record.confidence,
      scores,
    };
  });
  return joinPredictionRecords(records, { file, images, classes, scoreClasses, scoreKind, scoreName: (c) => `${field}.${c}` }, problems);
}
