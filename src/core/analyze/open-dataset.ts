import { existsSync } from 'node:fs';
import path from 'node:path';
import type { InputProblem } from '../../shared/model/dataset.js';
import { assignLabels } from '../dataset/labels.js';
import { probeImages, type ProbedImage } from '../dataset/probe.js';
import { scanImageFiles } from '../dataset/scan.js';
import type { JobContext } from '../jobs/job-registry.js';
import { readClassificationPredictions } from '../predictions/read-predictions.js';
import type { ProjectStore, RescanSummary, ScannedImage } from '../store/project-store.js';

export const DEFAULT_PREDICTIONS_FILE_NAME = 'predictions.csv';

export interface OpenDatasetOptions {
  labelsPath?: string;
  predictionsPath?: string;
}

/**
 * Brings the store up to date with the folder: scans it, probes only new or changed files (the rest keep what
 * the store knows), assigns labels and joins predictions. Everything computed before for unchanged files stays.
 */
export async function refreshDataset(store: ProjectStore, root: string, options: OpenDatasetOptions, ctx: JobContext): Promise<RescanSummary> {
  ctx.stage('Scanning folder', 0, 'scan');
  const scan = await scanImageFiles(root, { signal: ctx.signal, onProgress: (n) => ctx.progress(n, n) });

  const known = new Map(store.listImages().map((row) => [row.path, row]));
  const toProbe = scan.files.filter((f) => {
    const before = known.get(f.path);
    return before === undefined || before.sizeBytes !== f.sizeBytes || before.mtimeMs !== f.mtimeMs;
  });
  ctx.stage('Checking images', toProbe.length, 'probe');
  const probed = await probeImages(root, toProbe, { signal: ctx.signal, onProgress: (n) => ctx.progress(n) });
  const probeByPath = new Map<string, ProbedImage>(toProbe.map((f, i) => [f.path, probed.images[i] as ProbedImage]));

  // Problems of files that were not probed again still hold: keep them.
  const reprobed = new Set(toProbe.map((f) => f.path));
  const present = new Set(scan.files.map((f) => f.path));
  const keptProblems = store.listProblems('scan').filter((p) => present.has(p.file) && !reprobed.has(p.file));

  ctx.stage('Reading labels', 0, 'labels');
  const paths = scan.files.map((f) => f.path);
  const labels = await assignLabels(root, paths, options.labelsPath === undefined ? {} : { labelsPath: options.labelsPath });

  const images: ScannedImage[] = scan.files.map((f, i) => {
    const fresh = probeByPath.get(f.path);
    const before = known.get(f.path);
    const probe: ProbedImage = fresh ?? {
      status: before?.status ?? 'error',
      format: before?.format ?? null,
      width: before?.width ?? null,
      height: before?.height ?? null,
      error: before?.error ?? null,
    };
    return {
      path: f.path,
      sizeBytes: f.sizeBytes,
      mtimeMs: f.mtimeMs,
      ...probe,
      label: labels.labels[i] ?? null,
      labelsRow: labels.labelsRows[i] ?? null,
      split: labels.splits[i] ?? null,
    };
  });
  const rescan = store.replaceScan(images);
  store.replaceProblems('scan', [...scan.problems, ...keptProblems, ...probed.problems]);
  store.replaceProblems('labels', labels.problems);
  store.setMeta({ root, labelSource: labels.source, labelsFile: labels.labelsFile, classes: labels.classes });

  await joinPredictions(store, root, options.predictionsPath, ctx);
  return rescan;
}

/**
 * Joins the predictions file given, else the one remembered from the last open, else `predictions.csv` in the
 * root. Read again on every open: labels may have changed, and `correct` and the loss depend on them.
 */
export async function joinPredictions(store: ProjectStore, root: string, predictionsPath: string | undefined, ctx: JobContext): Promise<void> {
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
