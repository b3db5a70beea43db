/**
 * Finds a detection dataset's annotation and prediction files: the ones given, else the ones remembered from the
 * last open, else the usual names in the dataset root. Only decides which files to read and in what format.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DetectionAnnotationFormat, DetectionPredictionsFormat, DetectionSourceInfo, InputProblem } from '../../shared/model/dataset.js';

export interface LocatedFile<F extends string> {
  format: F;
  /** Absolute path. */
  file: string;
  /** Relative to the root when inside it, else absolute: how problems and the summary name it. */
  shown: string;
}

export type Located<F extends string> = { found: LocatedFile<F> } | { found: null; problem?: InputProblem };

/** Root files looked for, in order, when no annotations are given (`annotations/instances*.json` after data.yaml). */
const YOLO_DATA_YAML_NAMES = ['data.yaml', 'data.yml'];
const COCO_ANNOTATIONS_DIR = 'annotations';
const COCO_ANNOTATIONS_FILE = 'annotations.json';
const VOC_ANNOTATIONS_DIR = 'Annotations';
export const DEFAULT_DETECTION_PREDICTIONS_FILE = 'predictions.json';
export const DEFAULT_DETECTION_PREDICTIONS_DIR = 'predictions';

function shownName(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function located<F extends string>(root: string, format: F, file: string): Located<F> {
  return { found: { format, file, shown: shownName(root, file) } };
}

/** The format a given annotations path is in, by its kind and extension. */
function annotationsFormatOf(file: string): DetectionAnnotationFormat | null {
  if (isDirectory(file)) return 'voc';
  const extension = path.extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return 'yolo';
  if (extension === '.json') return 'coco';
  return null;
}

/**
 * The annotations to read: `explicit` (relative to the root or absolute), else `remembered`, else the first of
 * `data.yaml`, `annotations/instances*.json`, `annotations.json`, `Annotations/` in the root. Null when the dataset
 * has none (it is then a classification dataset); a problem when the file given is missing or of no known format.
 */
export function locateAnnotations(root: string, explicit: string | undefined, remembered: DetectionSourceInfo | null): Located<DetectionAnnotationFormat> {
  if (explicit !== undefined) {
    const file = path.resolve(root, explicit);
    if (!existsSync(file)) {
      return { found: null, problem: { file: explicit, kind: 'missing-file', message: `${explicit} does not exist; the dataset is read without box annotations.` } };
    }
    const format = annotationsFormatOf(file);
    if (format === null) {
      return {
        found: null,
        problem: { file: explicit, kind: 'unknown-annotations-format', message: `${explicit} is neither a COCO .json, a YOLO data.yaml nor a VOC Annotations folder; it is ignored.` },
      };
    }
    return located(root, format, file);
  }
  if (remembered !== null) {
    const file = path.resolve(root, remembered.annotations);
    if (existsSync(file)) return located(root, remembered.format, file);
  }
  for (const name of YOLO_DATA_YAML_NAMES) {
    const file = path.join(root, name);
    if (existsSync(file)) return located(root, 'yolo', file);
  }
  const cocoDir = path.join(root, COCO_ANNOTATIONS_DIR);
  if (isDirectory(cocoDir)) {
    const instances = readdirSync(cocoDir)
      .filter((name) => name.startsWith('instances') && name.toLowerCase().endsWith('.json'))
      .sort();
    if (instances[0] !== undefined) return located(root, 'coco', path.join(cocoDir, instances[0]));
  }
  const cocoFile = path.join(root, COCO_ANNOTATIONS_FILE);
  if (existsSync(cocoFile)) return located(root, 'coco', cocoFile);
  const vocDir = path.join(root, VOC_ANNOTATIONS_DIR);
  if (isDirectory(vocDir) && readdirSync(vocDir).some((name) => name.toLowerCase().endsWith('.xml'))) return located(root, 'voc', vocDir);
  return { found: null };
}

/**
 * The detection predictions to read: `explicit`, else `remembered`, else `predictions.json` or `predictions/` in the
 * root. A `.json` file is a COCO results file, a folder holds YOLO prediction `.txt` files.
 */
export function locateDetectionPredictions(root: string, explicit: string | undefined, remembered: string | null): Located<DetectionPredictionsFormat> {
  const formatOf = (file: string): DetectionPredictionsFormat | null =>
    isDirectory(file) ? 'yolo-txt' : path.extname(file).toLowerCase() === '.json' ? 'coco-results' : null;
  if (explicit !== undefined) {
    const file = path.resolve(root, explicit);
    const shown = shownName(root, file);
    if (!existsSync(file)) return { found: null, problem: { file: shown, kind: 'missing-file', message: `${shown} does not exist; no predictions are joined.` } };
    const format = formatOf(file);
    if (format === null) {
      return {
        found: null,
        problem: { file: shown, kind: 'unknown-predictions-format', message: `${shown} is neither a COCO results .json nor a folder of YOLO .txt files; no predictions are joined.` },
      };
    }
    return located(root, format, file);
  }
  const candidates = [
    ...(remembered === null ? [] : [path.resolve(root, remembered)]),
    path.join(root, DEFAULT_DETECTION_PREDICTIONS_FILE),
    path.join(root, DEFAULT_DETECTION_PREDICTIONS_DIR),
  ];
  for (const file of candidates) {
    const format = existsSync(file) ? formatOf(file) : null;
    if (format !== null) return located(root, format, file);
  }
  return { found: null };
}
