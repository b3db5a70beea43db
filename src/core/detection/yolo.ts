import path from 'node:path';
import type { InputProblem } from '../../shared/model/dataset.js';
import { mapWithConcurrency } from '../dataset/concurrency.js';
import { ProblemList } from '../dataset/problems.js';
import { BoxColumnsBuilder, type BoxColumns, type DetectionSet } from './box-columns.js';
import { checkBox, ClipCounter, type ImageSize } from './box-checks.js';
import type { SizeOf } from './coco.js';
import { describeFailedJoin, ImagePathJoiner } from './image-join.js';
import { listFilesRecursive, readTextOrError } from './list-files.js';
import { examplesOf, NameCounter } from './problem-text.js';
import { isInYoloImagesFolder, parseYoloTxt, type YoloRow, type YoloTxtKind, yoloLabelPath } from './yolo-txt.js';

/** Label files read at once: enough to hide disk latency, few enough not to exhaust file handles. */
const READ_CONCURRENCY = 32;

export interface YoloReadOptions {
  signal?: AbortSignal;
}

/**
 * Reads YOLO ground truth for the dataset's images from `<root>/<yoloLabelPath(image)>`. An image under an
 * `images/` folder with no label file is covered and has no objects (Ultralytics treats it as background); the count
 * is reported. Boxes are denormalised with `sizeOf`; an image whose size is unknown cannot be and is left uncovered.
 */
export async function readYoloGroundTruth(
  root: string,
  imagePaths: readonly string[],
  classNames: readonly string[],
  sizeOf: SizeOf,
  options: YoloReadOptions = {},
): Promise<{ set: DetectionSet; problems: InputProblem[] }> {
  const covered = new Uint8Array(imagePaths.length);
  const builder = new BoxColumnsBuilder();
  const collector = new RowCollector(classNames.length);
  const withoutLabels: string[] = [];
  const texts = await mapWithConcurrency(imagePaths, READ_CONCURRENCY, (imagePath) => readTextOrError(path.join(root, yoloLabelPath(imagePath))), options.signal);
  texts.forEach((read, imageIndex) => {
    const imagePath = imagePaths[imageIndex] as string;
    const labelFile = yoloLabelPath(imagePath);
    if ('error' in read) {
      if (read.error !== 'ENOENT') collector.problems.add({ file: labelFile, kind: 'unreadable-file', message: `${labelFile} cannot be read (${read.error}); ${imagePath} is left unlabelled.` });
      else if (isInYoloImagesFolder(imagePath)) {
        covered[imageIndex] = 1;
        withoutLabels.push(imagePath);
      }
      return;
    }
    if (collector.add(builder, read.text, labelFile, 'ground-truth', imageIndex, sizeOf(imagePath))) covered[imageIndex] = 1;
  });
  const problems = collector.finish('labels');
  if (withoutLabels.length > 0) {
    problems.push({ file: 'labels', kind: 'no-label-file', message: `${withoutLabels.length} images have no label file and count as having no objects (${examplesOf(withoutLabels)}).` });
  }
  return { set: { boxes: builder.build(), classNames: [...classNames], covered }, problems };
}

/**
 * Reads YOLO prediction files (`class cx cy w h conf`) from every `.txt` under `predictionsDir`. A file joins the
 * image whose label path (`yoloLabelPath`) shares the most trailing segments with it, at least the file name: a
 * mirror of the labels tree joins exactly, Ultralytics' flat `runs/detect/predict/labels/<stem>.txt` joins by stem
 * when the stem is unique. `displayDir` names the folder in problems. Covered images with no file are reported and
 * count as having no detections (Ultralytics writes no file for them).
 */
export async function readYoloPredictions(
  predictionsDir: string,
  displayDir: string,
  imagePaths: readonly string[],
  classCount: number,
  covered: Uint8Array,
  sizeOf: SizeOf,
  options: YoloReadOptions = {},
): Promise<{ ok: true; boxes: BoxColumns; problems: InputProblem[] } | { ok: false; problems: InputProblem[] }> {
  const listing = await listFilesRecursive(predictionsDir, '.txt');
  if ('error' in listing) {
    return { ok: false, problems: [{ file: displayDir, kind: 'unreadable-folder', message: `${displayDir} cannot be read (${listing.error}); no predictions are joined.` }] };
  }
  const { files } = listing;
  const joiner = new ImagePathJoiner(imagePaths, yoloLabelPath);
  const collector = new RowCollector(classCount);
  const unjoined = new NameCounter();
  const claimedBy = new Map<number, string>();
  const joined: { file: string; imageIndex: number }[] = [];
  for (const file of files) {
    const join = joiner.join(file);
    const shown = `${displayDir}/${file}`;
    if (join.status !== 'joined') {
      const { kind, reason } = describeFailedJoin(file, join);
      if (kind === 'unknown-image') unjoined.add(file);
      else collector.problems.add({ file: shown, kind, message: `${shown}: ${reason}; the file is ignored.` });
      continue;
    }
    const previous = claimedBy.get(join.imageIndex);
    if (previous !== undefined) {
      collector.problems.add({ file: shown, kind: 'duplicate-prediction', message: `${shown}: ${imagePaths[join.imageIndex]} already has predictions in ${previous}; the file is ignored.` });
      continue;
    }
    claimedBy.set(join.imageIndex, shown);
    joined.push({ file, imageIndex: join.imageIndex });
  }

  const builder = new BoxColumnsBuilder();
  const texts = await mapWithConcurrency(joined, READ_CONCURRENCY, ({ file }) => readTextOrError(path.join(predictionsDir, file)), options.signal);
  texts.forEach((read, i) => {
    const { file, imageIndex } = joined[i] as { file: string; imageIndex: number };
    const shown = `${displayDir}/${file}`;
    if ('error' in read) {
      collector.problems.add({ file: shown, kind: 'unreadable-file', message: `${shown} cannot be read (${read.error}); the file is ignored.` });
      return;
    }
    collector.add(builder, read.text, shown, 'predictions', imageIndex, sizeOf(imagePaths[imageIndex] as string));
  });

  const problems = collector.finish(displayDir);
  if (unjoined.size > 0) {
    problems.push({ file: displayDir, kind: 'unknown-image', message: `${displayDir}: ${unjoined.size} prediction files match no dataset image (${examplesOf(unjoined.counts.keys())}); they are ignored.` });
  }
  const unlabelled = [...claimedBy].filter(([imageIndex]) => covered[imageIndex] !== 1).map(([, file]) => file);
  if (unlabelled.length > 0) {
    problems.push({ file: displayDir, kind: 'unlabelled-image', message: `${displayDir}: ${unlabelled.length} prediction files are for images without labels; they are not scored (${examplesOf(unlabelled)}).` });
  }
  const without = imagePaths.filter((_, i) => covered[i] === 1 && !claimedBy.has(i));
  if (without.length > 0) {
    problems.push({ file: displayDir, kind: 'missing-prediction', message: `${displayDir}: ${without.length} labelled images have no prediction file and count as predicted empty (${examplesOf(without)}).` });
  }
  return { ok: true, boxes: builder.build(), problems };
}

/** Turns parsed rows into boxes, counting what it drops. */
class RowCollector {
  readonly problems = new ProblemList();
  private readonly clips = new ClipCounter();
  private readonly unknownClasses = new NameCounter();
  private readonly unknownSizes: string[] = [];

  constructor(private readonly classCount: number) {}

  /** Adds a file's boxes; false when its boxes cannot be placed (unknown image size). */
  add(builder: BoxColumnsBuilder, text: string, file: string, kind: YoloTxtKind, imageIndex: number, size: ImageSize | null): boolean {
    const { rows, problems } = parseYoloTxt(text, file, kind);
    for (const problem of problems) this.problems.add(problem);
    if (rows.length === 0) return true;
    if (size === null) {
      this.unknownSizes.push(file);
      return false;
    }
    for (const row of rows) this.addRow(builder, row, file, imageIndex, size);
    return true;
  }

  private addRow(builder: BoxColumnsBuilder, row: YoloRow, file: string, imageIndex: number, size: ImageSize): void {
    if (row.classIndex >= this.classCount) {
      this.unknownClasses.add(String(row.classIndex));
      return;
    }
    const box = checkBox((row.cx - row.w / 2) * size.width, (row.cy - row.h / 2) * size.height, (row.cx + row.w / 2) * size.width, (row.cy + row.h / 2) * size.height, size);
    if (!box.ok) {
      this.problems.add({ file, line: row.line, kind: 'empty-box', message: `${file} line ${row.line}: the box ${box.reason}; it is dropped.` });
      return;
    }
    if (box.clipped) this.clips.add(file);
    builder.push({ ...box, imageIndex, classIndex: row.classIndex, score: row.score, crowd: false });
  }

  finish(summaryFile: string): InputProblem[] {
    const problems = [...this.problems.toArray(), ...this.clips.toProblems(summaryFile)];
    if (this.unknownClasses.size > 0) {
      problems.push({
        file: summaryFile,
        kind: 'unknown-class',
        message: `${summaryFile}: boxes of class indices beyond the ${this.classCount} known classes: ${this.unknownClasses.describe('boxes')}; they are ignored.`,
      });
    }
    if (this.unknownSizes.length > 0) {
      problems.push({
        file: summaryFile,
        kind: 'unknown-image-size',
        message: `${this.unknownSizes.length} files have boxes for images whose size is unknown, so they cannot be placed (${examplesOf(this.unknownSizes)}).`,
      });
    }
    return problems;
  }
}
