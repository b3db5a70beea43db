import { existsSync } from 'node:fs';
import path from 'node:path';
import type { InputProblem } from '../../shared/model/dataset.js';
import { assignLabels, type LabelAssignment } from '../dataset/labels.js';
import { splitFromPath } from '../dataset/splits.js';
import { probeImages, type ProbedImage } from '../dataset/probe.js';
import { scanImageFiles } from '../dataset/scan.js';
import { hashFiles } from '../dataset/content-hash.js';
import type { JobContext } from '../jobs/job-registry.js';
import { readClassificationPredictions } from '../predictions/read-predictions.js';
import type { ProjectStore, RescanSummary, ScannedImage } from '../store/project-store.js';
import { joinMetrics } from './metrics-stage.js';
import { type DetectionGroundTruth, dominantClassLabels, joinDetectionPredictions, readDetectionGroundTruth, reloadDetectionPredictions } from './detection-stage.js';

export const DEFAULT_PREDICTIONS_FILE_NAME = 'predictions.csv';

export interface OpenDatasetOptions {
  labelsPath?: string;
  predictionsPath?: string;
  /** Detection ground truth (COCO JSON, YOLO data.yaml, VOC Annotations folder); default: found in the root. */
  annotationsPath?: string;
  /** A per-image metrics CSV (path + numeric columns); default: `metrics.csv` in the root. */
  metricsPath?: string;
}

/**
 * Brings the store up to date with the folder: scans it, probes only new or changed files (the rest keep what
 * the store knows), assigns labels and joins predictions. Everything computed before for unchanged files stays.
 */
export async function refreshDataset(store: ProjectStore, root: string, options: OpenDatasetOptions, ctx: JobContext): Promise<RescanSummary> {
  ctx.stage('Scanning folder', 0, 'scan');
  const scan = await scanImageFiles(root, { signal: ctx.signal, onProgress: (n) => ctx.progress(n, n) });

  const known = new Map(store.listImages().map((row) => [row.path, row]));
  const statChanged = scan.files.filter((f) => {
    const before = known.get(f.path);
    return before === undefined || before.sizeBytes !== f.sizeBytes || before.mtimeMs !== f.mtimeMs;
  });
  ctx.stage('Checking images', statChanged.length, 'probe');
  // Known files whose size or mtime changed are read in full: an unchanged hash means the same image under a new
  // mtime, and everything computed for it stays. New files are not read here: the quality checks of the analysis
  // read each one whole anyway and record its hash then (health-stage.ts).
  const knownChanged = statChanged.filter((f) => known.get(f.path)?.contentHash != null);
  const hashes = await hashFiles(root, knownChanged.map((f) => f.path), ctx.signal);
  const hashByPath = new Map(knownChanged.map((f, i) => [f.path, hashes[i] ?? null]));
  const toProbe = statChanged.filter((f) => {
    const before = known.get(f.path);
    const hash = hashByPath.get(f.path) ?? null;
    return before === undefined || hash === null || before.contentHash !== hash;
  });
  const probed = await probeImages(root, toProbe, { signal: ctx.signal, onProgress: (n) => ctx.progress(n) });
  const probeByPath = new Map<string, ProbedImage>(toProbe.map((f, i) => [f.path, probed.images[i] as ProbedImage]));

  // Problems of files that were not probed again still hold: keep them.
  const reprobed = new Set(toProbe.map((f) => f.path));
  const present = new Set(scan.files.map((f) => f.path));
  const keptProblems = store.listProblems('scan').filter((p) => present.has(p.file) && !reprobed.has(p.file));

  ctx.stage('Reading labels', 0, 'labels');
  const paths = scan.files.map((f) => f.path);
  const probes = scan.files.map((f): ProbedImage => {
    const before = known.get(f.path);
    return (
      probeByPath.get(f.path) ?? {
        status: before?.status ?? 'error',
        format: before?.format ?? null,
        width: before?.width ?? null,
        height: before?.height ?? null,
        error: before?.error ?? null,
      }
    );
  });
  // Scan order is path order, the store's image order: box image indices are valid as they are.
  const boxes = await readDetectionGroundTruth(
    root,
    options.annotationsPath,
    store.getDetectionSource(),
    paths.map((p, i) => ({ path: p, width: probes[i]?.width ?? null, height: probes[i]?.height ?? null })),
    ctx.signal,
  );
  const labels = boxes.detection
    ? detectionLabels(boxes.detection, paths)
    : await assignLabels(root, paths, options.labelsPath === undefined ? {} : { labelsPath: options.labelsPath });

  const images: ScannedImage[] = scan.files.map((f, i) => ({
    path: f.path,
    sizeBytes: f.sizeBytes,
    mtimeMs: f.mtimeMs,
    contentHash: hashByPath.get(f.path) ?? null,
    ...(probes[i] as ProbedImage),
    label: labels.labels[i] ?? null,
    labelsRow: labels.labelsRows[i] ?? null,
    split: labels.splits[i] ?? null,
  }));
  const rescan = store.replaceScan(images);
  store.replaceProblems('scan', [...scan.problems, ...keptProblems, ...probed.problems]);
  store.replaceProblems('labels', [...boxes.problems, ...labels.problems]);
  store.setMeta({ root, labelSource: labels.source, labelsFile: labels.labelsFile, classes: labels.classes });
  joinMetrics(store, root, options.metricsPath, ctx);

  if (boxes.detection) {
    await joinDetectionPredictions(store, root, boxes.detection, options.predictionsPath, ctx);
    return rescan;
  }
  if (store.getDetectionSource() !== null) {
    // It was a detection dataset last time: its box summaries are not classification predictions.
    store.clearPredictions();
    store.setDetectionSource(null);
  }
  await joinPredictions(store, root, options.predictionsPath, ctx);
  return rescan;
}

/**
 * Joins the predictions file given, else the one remembered from the last open, else `predictions.csv` in the
 * root. Read again on every open: labels may have changed, and `correct` and the loss depend on them.
 */
export async function joinPredictions(store: ProjectStore, root: string, predictionsPath: string | undefined, ctx: JobContext): Promise<void> {
  if (store.getDetectionSource() !== null && predictionsPath !== undefined) return reloadDetectionPredictions(store, root, predictionsPath, ctx);
  const remembered = store.getMeta().predictionsFile;
  const fallback = path.join(root, DEFAULT_PREDICTIONS_FILE_NAME);
  const file = predictionsPath ?? remembered ?? (existsSync(fallback) ? fallback : null);
  if (file === null) return;
  ctx.stage('Joining predictions', 0, 'predictions');
  const absFile = path.resolve(root, file);
  const displayName = path.relative(root, absFile).startsWith('..') ? absFile : path.relative(root, absFile);
  const images = store.listImages().map((row) => ({ path: row.path, label: row.label }));
  const result = await readClassificationPredictions(absFile, displayName, images, store.getMeta().classes);
  const problems: InputProblem[] = result.problems;
  if (result.ok) {
    store.savePredictions(result.info, result.predictions, result.probs);
    store.setMeta({ predictionsFile: absFile });
  } else {
    store.clearPredictions();
  }
  store.replaceProblems('predictions', problems);
}

/** Labels of a detection dataset: each image's dominant ground-truth class; splits from train/val/test folders. */
function detectionLabels(detection: DetectionGroundTruth, paths: readonly string[]): LabelAssignment {
  return {
    source: 'none',
    labelsFile: null,
    labels: dominantClassLabels(detection.gt.set, paths.length),
    labelsRows: paths.map(() => null),
    splits: paths.map((p) => splitFromPath(p)),
    classes: [...detection.gt.set.classNames],
    problems: [],
  };
}
