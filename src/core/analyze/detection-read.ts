/**
 * Reads a detection dataset's ground truth and predictions into box columns, in the format the located files are
 * in. Every failure is an `InputProblem`; a file that cannot be read at all makes the read `ok: false`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DetectionAnnotationFormat, DetectionPredictionsFormat, InputProblem } from '../../shared/model/dataset.js';
import {
  type BoxColumns,
  type CocoGroundTruth,
  cocoResultsTarget,
  cocoResultsTargetByStem,
  type DetectionSet,
  parseCocoGroundTruth,
  parseCocoResults,
  parseYoloDataYaml,
  readVocAnnotations,
  readYoloGroundTruth,
  readYoloPredictions,
  type SizeOf,
} from '../detection/index.js';
import type { LocatedFile } from './detection-sources.js';

export type GroundTruthRead = { ok: true; set: DetectionSet; coco: CocoGroundTruth | null; problems: InputProblem[] } | { ok: false; problems: InputProblem[] };
export type PredictionsRead = { ok: true; boxes: BoxColumns; problems: InputProblem[] } | { ok: false; problems: InputProblem[] };

async function readText(located: LocatedFile<string>): Promise<{ text: string } | { problem: InputProblem }> {
  return fs.readFile(located.file, 'utf8').then(
    (text) => ({ text }),
    (err: NodeJS.ErrnoException) => ({
      problem: { file: located.shown, kind: 'unreadable-file', message: `${located.shown} cannot be read (${err.code ?? err.message}); it is ignored.` },
    }),
  );
}

/** Ground truth for `imagePaths` (dataset image order) from the located annotations. */
export async function readGroundTruth(
  root: string,
  located: LocatedFile<DetectionAnnotationFormat>,
  imagePaths: readonly string[],
  sizeOf: SizeOf,
  signal: AbortSignal,
): Promise<GroundTruthRead> {
  if (located.format === 'voc') {
    const read = await readVocAnnotations(root, imagePaths, { annotationsDir: path.relative(root, located.file), sizeOf, signal });
    return read.ok ? { ok: true, set: read.set, coco: null, problems: read.problems } : read;
  }
  const text = await readText(located);
  if ('problem' in text) return { ok: false, problems: [text.problem] };
  if (located.format === 'coco') {
    const parsed = parseCocoGroundTruth(text.text, located.shown, imagePaths, sizeOf);
    if (!parsed.ok) return parsed;
    return { ok: true, set: parsed.set, coco: parsed, problems: parsed.problems };
  }
  const yaml = parseYoloDataYaml(text.text, located.shown);
  if (!yaml.ok) return yaml;
  // Label files sit beside the images (`images/` → `labels/`) under the dataset root, wherever data.yaml is.
  const read = await readYoloGroundTruth(root, imagePaths, yaml.data.classNames, sizeOf, { signal });
  return { ok: true, set: read.set, coco: null, problems: [...yaml.problems, ...read.problems] };
}

/**
 * Predicted boxes from the located file, with class indices in the ground truth's class order: a COCO results file
 * joins through the COCO ground truth's image and category ids when there is one, else by file stem and class index
 * (as Ultralytics writes it); YOLO prediction files use class indices directly.
 */
export async function readPredictedBoxes(
  located: LocatedFile<DetectionPredictionsFormat>,
  gt: Extract<GroundTruthRead, { ok: true }>,
  imagePaths: readonly string[],
  sizeOf: SizeOf,
  signal: AbortSignal,
): Promise<PredictionsRead> {
  const classCount = gt.set.classNames.length;
  if (located.format === 'yolo-txt') {
    return readYoloPredictions(located.file, located.shown, imagePaths, classCount, gt.set.covered, sizeOf, { signal });
  }
  const text = await readText(located);
  if ('problem' in text) return { ok: false, problems: [text.problem] };
  const target = gt.coco !== null ? cocoResultsTarget(gt.coco, imagePaths, sizeOf) : cocoResultsTargetByStem(imagePaths, classCount, gt.set.covered, sizeOf);
  return parseCocoResults(text.text, located.shown, target);
}
