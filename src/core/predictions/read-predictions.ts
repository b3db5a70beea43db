import path from 'node:path';
import { parseClassificationCsv } from './classification-csv.js';
import { parseClassificationJson, parseClassificationJsonl } from './classification-json.js';
import { readPredictionsText } from './read-text.js';
import type { ClassificationPredictionsResult, LabelledImage } from './types.js';

type Parser = (text: string, file: string, images: readonly LabelledImage[], classes: readonly string[]) => ClassificationPredictionsResult;

/** Parsers by lower-case file extension; anything else is read as CSV (the historical default). */
const PARSERS: Record<string, Parser> = {
  '.csv': parseClassificationCsv,
  '.json': parseClassificationJson,
  '.jsonl': parseClassificationJsonl,
  '.ndjson': parseClassificationJsonl,
};

/** Reads a classification predictions file (CSV, JSON or JSONL, chosen by extension) and joins it to the images. */
export async function readClassificationPredictions(
  filePath: string,
  displayName: string,
  images: readonly LabelledImage[],
  classes: readonly string[],
): Promise<ClassificationPredictionsResult> {
  const text = await readPredictionsText(filePath, displayName);
  if (typeof text !== 'string') return text;
  const parse = PARSERS[path.extname(filePath).toLowerCase()] ?? parseClassificationCsv;
  return parse(text, displayName, images, classes);
}
