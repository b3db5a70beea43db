import type { InputProblem } from '../../shared/model/dataset.js';

/** One parsed line of a YOLO txt file, normalised to [0, 1] of the image as written. */
export interface YoloRow {
  classIndex: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** NaN for ground truth. */
  score: number;
  line: number;
}

export type YoloTxtKind = 'ground-truth' | 'predictions';

const MIN_POLYGON_POINTS = 3;

/**
 * Parses a YOLO txt file. Ground truth lines are `class cx cy w h`, or a segmentation polygon
 * `class x1 y1 x2 y2 x3 y3 …` (its bounding box is used, as Ultralytics does); prediction lines carry the confidence
 * last: `class cx cy w h conf` or `class x1 y1 … conf`. Blank lines are skipped; any other line that does not fit is
 * a problem naming the file and line, and the rest of the file is still read.
 */
export function parseYoloTxt(text: string, file: string, kind: YoloTxtKind): { rows: YoloRow[]; problems: InputProblem[] } {
  const rows: YoloRow[] = [];
  const problems: InputProblem[] = [];
  const expected = kind === 'ground-truth' ? "'class cx cy w h' (or a polygon)" : "'class cx cy w h conf' (or a polygon and conf)";
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const fields = trimmed.split(/\s+/);
    const malformed = (reason: string) =>
      problems.push({ file, line, kind: 'malformed-line', message: `${file} line ${line}: ${reason}, expected ${expected}; the line is ignored.` });
    const classText = fields[0] as string;
    if (!/^\d+$/.test(classText)) return malformed(`class '${classText}' is not a non-negative integer`);
    const numbers = fields.slice(1).map(Number);
    const badField = numbers.findIndex((n) => !Number.isFinite(n));
    if (badField >= 0) return malformed(`field ${badField + 2} '${fields[badField + 1] ?? ''}' is not a number`);
    const score = kind === 'predictions' ? numbers.pop() : Number.NaN;
    if (score === undefined) return malformed('the line has no fields after the class');
    const geometry = shapeOf(numbers);
    if (geometry === null) return malformed(`${fields.length} fields do not make a box or a polygon`);
    rows.push({ classIndex: Number(classText), ...geometry, score, line });
  });
  return { rows, problems };
}

function shapeOf(numbers: readonly number[]): { cx: number; cy: number; w: number; h: number } | null {
  if (numbers.length === 4) {
    const [cx, cy, w, h] = numbers as [number, number, number, number];
    return { cx, cy, w, h };
  }
  if (numbers.length < MIN_POLYGON_POINTS * 2 || numbers.length % 2 !== 0) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < numbers.length; i += 2) {
    const x = numbers[i] as number;
    const y = numbers[i + 1] as number;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, w: maxX - minX, h: maxY - minY };
}

/**
 * The label file of an image by Ultralytics' rule: the last `/images/` folder becomes `/labels/` and the extension
 * `.txt` (`images/val/a.jpg` → `labels/val/a.txt`); without an `images` folder the label sits beside the image.
 */
export function yoloLabelPath(imagePath: string): string {
  const rooted = `/${imagePath}`;
  const at = rooted.lastIndexOf('/images/');
  const swapped = at < 0 ? rooted : `${rooted.slice(0, at)}/labels/${rooted.slice(at + '/images/'.length)}`;
  const dot = swapped.lastIndexOf('.');
  const withoutExtension = dot > swapped.lastIndexOf('/') ? swapped.slice(0, dot) : swapped;
  return `${withoutExtension.slice(1)}.txt`;
}

/** True when the image sits under an `images` folder, i.e. in a YOLO layout where a missing label file means no objects. */
export function isInYoloImagesFolder(imagePath: string): boolean {
  return `/${imagePath}`.includes('/images/');
}
