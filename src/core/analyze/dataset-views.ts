import type { DatasetSummary, ImageRecord, PointColumns } from '../../shared/model/dataset.js';
import { PROBLEM_STAGES, type ImageRow, type ProjectStore, type StoredLayout } from '../store/project-store.js';
import type { ImagePrediction } from '../predictions/types.js';
import { POINTS_CSV_HEADER, type PointsCsvColumns } from '../export/points-csv.js';
import { scoreExtraColumns } from '../export/score-columns.js';
import { loadHealth } from './health-stage.js';
import { loadMetrics } from './metrics-stage.js';
import { loadZeroShot } from './text-features.js';

/** points.csv's leading columns; a score of the same name (the model's confidence) is already there. */
const STABLE_COLUMNS = new Set<string>(POINTS_CSV_HEADER);

/** The layout the app shows: the most recent one. */
export function currentLayout(store: ProjectStore): StoredLayout | null {
  return store.latestLayout();
}

export function datasetSummary(store: ProjectStore, id: string): DatasetSummary {
  const meta = store.getMeta();
  const root = meta.root ?? '';
  const layout = currentLayout(store);
  const stored = layout ? store.getEmbedder(layout.embedderId) : (store.listEmbedders()[0] ?? null);
  const skippedProviders = stored ? store.getProviderSkips(stored.id) : null;
  const embedder = stored && skippedProviders?.length ? { ...stored, skippedProviders } : stored;
  const predictions = store.loadPredictions();
  const detection = store.getDetectionSource();
  return {
    id,
    root,
    name: root.split(/[\\/]/).filter(Boolean).pop() ?? root,
    imageCount: store.imageCount(),
    skippedCount: store.skippedCount(),
    labelSource: meta.labelSource ?? 'none',
    classes: meta.classes,
    problems: PROBLEM_STAGES.flatMap((stage) => store.listProblems(stage)),
    embedder,
    embeddedCount: embedder ? store.embeddedCount(embedder.id) : 0,
    layout: layout
      ? { method: layout.method, embedderId: layout.embedderId, params: layout.params, pointCount: layout.pointCount, createdAtMs: layout.createdAtMs }
      : null,
    predictions: predictions?.info ?? null,
    task: detection === null ? 'classification' : 'detection',
    detection,
  };
}

/** Column-oriented point data in image order: what the scatter draws. */
export function pointColumns(store: ProjectStore): PointColumns {
  return buildPointColumns(store, store.listImages(), store.loadPredictions()?.predictions ?? []);
}

function buildPointColumns(store: ProjectStore, images: readonly ImageRow[], predictions: readonly (ImagePrediction | null)[]): PointColumns {
  const count = images.length;
  const classIndex = new Map(store.getMeta().classes.map((name, i) => [name, i]));
  const layout = currentLayout(store);
  const cols: PointColumns = {
    count,
    xy: layout && layout.xy.length === 2 * count ? layout.xy : new Float32Array(2 * count).fill(Number.NaN),
    label: new Int32Array(count),
    predicted: new Int32Array(count),
    correct: new Int8Array(count),
    confidence: new Float32Array(count),
    loss: new Float32Array(count),
    usable: new Uint8Array(count),
  };
  images.forEach((row, i) => {
    const p = predictions[i] ?? null;
    cols.label[i] = row.label === null ? -1 : (classIndex.get(row.label) ?? -1);
    cols.predicted[i] = p ? (classIndex.get(p.predictedLabel) ?? -1) : -1;
    cols.correct[i] = p?.correct === true ? 1 : p?.correct === false ? 0 : -1;
    cols.confidence[i] = p?.confidence ?? Number.NaN;
    cols.loss[i] = p?.loss ?? Number.NaN;
    cols.usable[i] = row.status === 'ok' ? 1 : 0;
  });
  return cols;
}

/** What points.csv and the selection export write. */
export function exportColumns(store: ProjectStore): PointsCsvColumns {
  const images = store.listImages();
  const predictions = store.loadPredictions()?.predictions ?? [];
  const points = buildPointColumns(store, images, predictions);
  const health = loadHealth(store);
  return {
    path: images.map((row) => row.path),
    label: images.map((row) => row.label),
    predictedLabel: images.map((_, i) => predictions[i]?.predictedLabel ?? null),
    confidence: points.confidence,
    correct: points.correct,
    xy: points.xy,
    // The scores include the loss once they are computed; before that, the loss joined from the predictions.
    extra: [
      ...(health ? scoreExtraColumns(health.columns.filter((c) => !STABLE_COLUMNS.has(c.name))) : [{ name: 'loss', numbers: points.loss }]),
      ...scoreExtraColumns(loadMetrics(store)?.columns ?? []),
      ...scoreExtraColumns(loadZeroShot(store)?.columns ?? []),
    ],
  };
}

export function imageRecord(store: ProjectStore, row: ImageRow): ImageRecord {
  const p = store.loadPrediction(row.idx);
  return {
    index: row.idx,
    path: row.path,
    label: row.label,
    predictedLabel: p?.predictedLabel ?? null,
    confidence: p?.confidence ?? null,
    correct: p?.correct ?? null,
    loss: p?.loss ?? null,
    width: row.width,
    height: row.height,
  };
}
