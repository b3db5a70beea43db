/**
 * Object detection in the pipeline. On open: reads the boxes, gives each image its dominant ground-truth class as
 * its label, summarises each image's predicted boxes into the predictions table (so the error map works as for
 * classification) and saves the boxes. In the health stage: evaluates them into per-image score columns and the
 * dataset's `DetectionReport`.
 */
import { createHash } from 'node:crypto';
import { decodeFrame, encodeFrame } from '../../shared/api/codec.js';
import type { DetectionAnnotationFormat, DetectionSourceInfo, InputProblem, PredictionsInfo } from '../../shared/model/dataset.js';
import type { DetectionReport } from '../../shared/model/reports.js';
import type { NumberColumn } from '../../shared/model/scores.js';
import {
  type BoxColumns,
  boxCount,
  type DetectionPointsColumnName,
  type DetectionSet,
  detectionPointsColumns,
  evaluateDetections,
  perImageDetectionMetrics,
  type SizeOf,
} from '../detection/index.js';
import type { JobContext } from '../jobs/job-registry.js';
import type { ImagePrediction } from '../predictions/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { readGroundTruth, type GroundTruthRead, readPredictedBoxes } from './detection-read.js';
import { type LocatedFile, locateAnnotations, locateDetectionPredictions } from './detection-sources.js';

export const DETECTION_BOXES_RESULT_NAME = 'detection-boxes';
/**
 * Predictions scoring below this are left out of what an image shows (its predicted class, confidence, right/wrong)
 * and of the counts (det_tp/fp/fn, per-class P/R/F1, confusion matrix): detectors write boxes down to 0.001 for AP,
 * and counting those would call every image wrong. 0.25 is Ultralytics' default `conf` for predictions. COCO AP
 * still ranks every prediction.
 */
export const DISPLAY_MIN_SCORE = 0.25;
/** IoU a predicted box needs with a ground-truth box of its class to count as found. */
export const DETECTION_IOU = 0.5;
/** The predicted class shown for an annotated image with no box above `DISPLAY_MIN_SCORE`. */
export const NO_OBJECT_LABEL = 'background';

/** Everything the health stage needs: the ground truth and, when a predictions file was joined, the predicted boxes. */
export interface DetectionBoxes {
  gt: DetectionSet;
  pred: BoxColumns | null;
}

export interface DetectionImage {
  path: string;
  width: number | null;
  height: number | null;
}

export interface DetectionGroundTruth {
  annotations: LocatedFile<DetectionAnnotationFormat>;
  gt: Extract<GroundTruthRead, { ok: true }>;
}

function sizeOfImages(images: readonly DetectionImage[]): SizeOf {
  const sizes = new Map(images.map((image) => [image.path, image.width !== null && image.height !== null ? { width: image.width, height: image.height } : null]));
  return (imagePath) => sizes.get(imagePath) ?? null;
}

/**
 * Locates and reads the ground-truth boxes of `images` (dataset image order). `detection` is null for a
 * classification dataset, or when the annotations could not be read at all (the problems say why).
 */
export async function readDetectionGroundTruth(
  root: string,
  explicit: string | undefined,
  remembered: DetectionSourceInfo | null,
  images: readonly DetectionImage[],
  signal: AbortSignal,
): Promise<{ detection: DetectionGroundTruth | null; problems: InputProblem[] }> {
  const located = locateAnnotations(root, explicit, remembered);
  if (located.found === null) return { detection: null, problems: located.problem ? [located.problem] : [] };
  const gt = await readGroundTruth(root, located.found, images.map((image) => image.path), sizeOfImages(images), signal);
  if (!gt.ok) return { detection: null, problems: gt.problems };
  return { detection: { annotations: located.found, gt }, problems: gt.problems };
}

/** Each image's most frequent ground-truth class (ties: the lowest class index); null for an image with no box. */
export function dominantClassLabels(set: DetectionSet, imageCount: number): (string | null)[] {
  return Array.from(dominantClasses(set.boxes, imageCount, set.classNames.length, () => true), (k) => (k === -1 ? null : (set.classNames[k] ?? null)));
}

function dominantClasses(boxes: BoxColumns, imageCount: number, classCount: number, keep: (box: number) => boolean): Int32Array {
  const counts = new Int32Array(imageCount * classCount);
  for (let b = 0; b < boxCount(boxes); b += 1) {
    const image = boxes.imageIndex[b] as number;
    const k = boxes.classIndex[b] as number;
    if (image < 0 || image >= imageCount || k < 0 || k >= classCount || !keep(b)) continue;
    counts[image * classCount + k] = (counts[image * classCount + k] as number) + 1;
  }
  const dominant = new Int32Array(imageCount).fill(-1);
  for (let i = 0; i < imageCount; i += 1) {
    let best = 0;
    for (let k = 0; k < classCount; k += 1) {
      const c = counts[i * classCount + k] as number;
      if (c > best) {
        best = c;
        dominant[i] = k;
      }
    }
  }
  return dominant;
}

/**
 * One prediction per annotated image, summarising its boxes scoring at least `DISPLAY_MIN_SCORE`: the most frequent
 * predicted class (or `NO_OBJECT_LABEL`), their mean score, and `correct` when at IoU 0.5 no box is a false alarm
 * and no ground-truth box is missed. Images the annotations do not cover get none; `loss` is always null.
 */
export function summarizeImagePredictions(gt: DetectionSet, pred: BoxColumns, shownFile: string): { predictions: (ImagePrediction | null)[]; info: PredictionsInfo } {
  const imageCount = gt.covered.length;
  const { perImage } = perImageDetectionMetrics(gt.boxes, pred, gt.covered, { iouThreshold: DETECTION_IOU, minScore: DISPLAY_MIN_SCORE });
  const kept = (b: number) => (pred.score[b] as number) >= DISPLAY_MIN_SCORE;
  const dominant = dominantClasses(pred, imageCount, gt.classNames.length, kept);
  const scoreSum = new Float64Array(imageCount);
  const keptCount = new Int32Array(imageCount);
  const anyBox = new Uint8Array(imageCount);
  for (let b = 0; b < boxCount(pred); b += 1) {
    const image = pred.imageIndex[b] as number;
    anyBox[image] = 1;
    if (!kept(b)) continue;
    scoreSum[image] = (scoreSum[image] as number) + (pred.score[b] as number);
    keptCount[image] = (keptCount[image] as number) + 1;
  }
  let covered = 0;
  let matched = 0;
  let right = 0;
  const predictions = Array.from({ length: imageCount }, (_, i): ImagePrediction | null => {
    if (gt.covered[i] !== 1) return null;
    covered += 1;
    matched += anyBox[i] as number;
    const correct = perImage.fp[i] === 0 && perImage.fn[i] === 0;
    if (correct) right += 1;
    const k = dominant[i] as number;
    const n = keptCount[i] as number;
    return {
      predictedLabel: k === -1 ? NO_OBJECT_LABEL : (gt.classNames[k] as string),
      confidence: n > 0 ? (scoreSum[i] as number) / n : null,
      correct,
      loss: null,
    };
  });
  return {
    predictions,
    info: { file: shownFile, matched, missing: covered - matched, hasProbabilities: false, accuracy: covered > 0 ? right / covered : null },
  };
}

/** What the saved boxes are: it changes exactly when a box, a class name or the covered images change. */
function boxesKey(boxes: DetectionBoxes): string {
  const hash = createHash('sha1');
  const add = (array: ArrayBufferView) => hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  hash.update(JSON.stringify(boxes.gt.classNames));
  add(boxes.gt.covered);
  for (const columns of boxes.pred === null ? [boxes.gt.boxes] : [boxes.gt.boxes, boxes.pred]) {
    hash.update('|');
    for (const array of [columns.xyxy, columns.imageIndex, columns.classIndex, columns.score, columns.crowd]) add(array);
  }
  return hash.digest('hex');
}

export function saveDetectionBoxes(store: ProjectStore, boxes: DetectionBoxes): void {
  store.saveResult(DETECTION_BOXES_RESULT_NAME, boxesKey(boxes), encodeFrame(boxes));
}

/** The saved boxes and their content key (for the health stage's input key); null for a classification dataset. */
export function loadDetectionBoxes(store: ProjectStore): { boxes: DetectionBoxes; key: string } | null {
  if (store.getDetectionSource() === null) return null;
  const saved = store.loadResult(DETECTION_BOXES_RESULT_NAME);
  return saved ? { boxes: decodeFrame(saved.data) as DetectionBoxes, key: saved.inputKey } : null;
}

/**
 * Reads the predictions (given, remembered or found in the root) against the ground truth and stores the boxes,
 * the per-image summaries, the source and the problems. Without predictions the ground truth is stored alone.
 */
export async function joinDetectionPredictions(
  store: ProjectStore,
  root: string,
  detection: DetectionGroundTruth,
  predictionsPath: string | undefined,
  ctx: JobContext,
): Promise<void> {
  const images = store.listImages();
  const imagePaths = images.map((row) => row.path);
  const remembered = store.getDetectionSource();
  const located = locateDetectionPredictions(root, predictionsPath, remembered?.predictions ?? null);
  const problems: InputProblem[] = located.found === null && located.problem ? [located.problem] : [];
  let pred: BoxColumns | null = null;
  if (located.found !== null) {
    ctx.stage('Joining predicted boxes', 0, 'predictions');
    const read = await readPredictedBoxes(located.found, detection.gt, imagePaths, sizeOfImages(images), ctx.signal);
    problems.push(...read.problems);
    if (read.ok) pred = read.boxes;
  }
  const { gt } = detection;
  saveDetectionBoxes(store, { gt: gt.set, pred });
  if (pred !== null && located.found !== null) {
    const summary = summarizeImagePredictions(gt.set, pred, located.found.shown);
    store.savePredictions(summary.info, summary.predictions, null);
  } else {
    store.clearPredictions();
  }
  store.setDetectionSource({
    format: detection.annotations.format,
    annotations: detection.annotations.shown,
    predictions: pred !== null && located.found !== null ? located.found.shown : null,
    predictionsFormat: pred !== null && located.found !== null ? located.found.format : null,
    gtBoxes: boxCount(gt.set.boxes),
    predictedBoxes: pred === null ? 0 : boxCount(pred),
  });
  store.replaceProblems('predictions', problems);
}

/** `predictions.import` on a detection dataset: the remembered annotations are read again to join the new file. */
export async function reloadDetectionPredictions(store: ProjectStore, root: string, predictionsPath: string, ctx: JobContext): Promise<void> {
  const read = await readDetectionGroundTruth(root, undefined, store.getDetectionSource(), store.listImages(), ctx.signal);
  if (read.detection === null) {
    store.replaceProblems('predictions', read.problems);
    return;
  }
  await joinDetectionPredictions(store, root, read.detection, predictionsPath, ctx);
}

const COLUMN_TEXT: Record<DetectionPointsColumnName, { label: string; description: string; higherIsWorse: boolean }> = {
  det_tp: { label: 'True positives', description: 'Predicted boxes that found a ground-truth box of their class at IoU ≥ 0.5 (score ≥ 0.25).', higherIsWorse: false },
  det_fp: { label: 'False positives', description: 'Predicted boxes (score ≥ 0.25) that match no ground-truth box of their class at IoU ≥ 0.5.', higherIsWorse: true },
  det_fn: { label: 'Missed boxes', description: 'Ground-truth boxes no predicted box (score ≥ 0.25) of their class found at IoU ≥ 0.5.', higherIsWorse: true },
  det_precision: { label: 'Detection precision', description: 'TP / (TP + FP) of the image; empty without predicted boxes.', higherIsWorse: false },
  det_recall: { label: 'Detection recall', description: 'TP / (TP + FN) of the image; empty without ground-truth boxes.', higherIsWorse: false },
  det_f1: { label: 'Detection F1', description: '2TP / (2TP + FP + FN) of the image; empty when it has neither boxes nor predictions.', higherIsWorse: false },
  det_mean_iou: { label: 'Mean IoU', description: 'Mean IoU of the true positives with their ground-truth boxes.', higherIsWorse: false },
  mistakenness: {
    label: 'Box mistakenness',
    description: 'FiftyOne class mistakenness, largest over the image’s boxes: near 1 when a confident prediction overlapping a box disagrees with its class.',
    higherIsWorse: true,
  },
  possibly_missing: { label: 'Possibly missing boxes', description: 'Predictions above 0.95 confidence that overlap no ground-truth box: objects the labels may lack.', higherIsWorse: true },
  possibly_spurious: { label: 'Possibly spurious boxes', description: 'Ground-truth boxes that no prediction overlaps: boxes that may not be objects.', higherIsWorse: true },
};

export interface DetectionHealth {
  columns: NumberColumn[];
  /** Per-image F1 in image order (NaN where undefined), for the cluster summaries. */
  f1: Float32Array;
  report: DetectionReport;
}

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Evaluates the predicted boxes; null without predictions (nothing to score). */
export function detectionHealth(boxes: DetectionBoxes): DetectionHealth | null {
  const { gt, pred } = boxes;
  if (pred === null) return null;
  const evaluation = evaluateDetections(gt, pred, { iouThreshold: DETECTION_IOU, minScore: DISPLAY_MIN_SCORE });
  const columns = detectionPointsColumns(evaluation.perImage).map(({ name, numbers }): NumberColumn => ({ kind: 'number', name, values: numbers, ...COLUMN_TEXT[name] }));
  const { perClass, coco, confusion } = evaluation;
  let evaluated = 0;
  for (const c of gt.covered) evaluated += c;
  const report: DetectionReport = {
    classes: [...gt.classNames],
    evaluated,
    map: orNull(coco.map),
    map50: orNull(coco.map50),
    map75: orNull(coco.map75),
    iouThreshold: DETECTION_IOU,
    minScore: DISPLAY_MIN_SCORE,
    perClass: gt.classNames.map((name, k) => ({
      name,
      ap: orNull(coco.apPerClass[k] as number),
      ap50: orNull(coco.ap50PerClass[k] as number),
      ap75: orNull(coco.ap75PerClass[k] as number),
      precision: orNull(perClass.precision[k] as number),
      recall: orNull(perClass.recall[k] as number),
      f1: orNull(perClass.f1[k] as number),
      tp: perClass.tp[k] as number,
      fp: perClass.fp[k] as number,
      fn: perClass.fn[k] as number,
      support: coco.gtCountPerClass[k] as number,
    })),
    confusion: confusion.counts,
  };
  return { columns, f1: evaluation.perImage.f1, report };
}
