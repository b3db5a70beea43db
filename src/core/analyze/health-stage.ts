/**
 * The analyze job's last stage: every per-image score and the cluster table, computed from what the store holds
 * (labels, predictions, embeddings, layout) and saved as one result keyed by those inputs, so reopening a dataset
 * shows them without recomputing, and any change to the inputs recomputes them.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { decodeFrame, encodeFrame } from '../../shared/api/codec.js';
import type { ClassificationReport, DetectionReport } from '../../shared/model/reports.js';
import type { ClusterSummary, NumberColumn, ScoreColumn } from '../../shared/model/scores.js';
import { encodeSplits } from '../dataset/splits.js';
import {
  classImbalance,
  clusterColumn,
  clusterLayout,
  DEFAULT_NEAR_DUPLICATE_COSINE_DISTANCE,
  CLEANLAB_NEAR_DUPLICATE_FACTOR,
  duplicateColumn,
  embeddingNeighbors,
  exactDuplicates,
  imbalanceColumns,
  leakColumns,
  leakySplits,
  nearDuplicateColumns,
  nearDuplicates,
  outlierColumns,
  QUALITY_STATS_DIM,
  QUALITY_STATS_VERSION,
  qualityFlags,
  summarizeClusters,
  type NearDuplicateThreshold,
} from '../health/index.js';
import type { JobContext } from '../jobs/job-registry.js';
import { alignProbabilities, classificationMetrics, encodeClassification } from '../labels-quality/classification-metrics.js';
import { labelQuality } from '../labels-quality/label-quality.js';
import type { ImageRow, ProjectStore } from '../store/project-store.js';
import { detectionHealth, loadDetectionBoxes } from './detection-stage.js';
import { PixelCheckRunner } from './pixel-check-runner.js';
import { PIXEL_HASH_BYTES, pixelRow, readPixelRow } from './pixel-rows.js';

export const HEALTH_RESULT_NAME = 'health';
const NEIGHBOURS = 10;
/** Images decoded per saved chunk of pixel checks: a cancelled run keeps every finished chunk. */
const PIXEL_CHUNK = 512;

export interface HealthResult {
  columns: ScoreColumn[];
  clusters: ClusterSummary[];
  classification: ClassificationReport | null;
  /** Null for a classification dataset or a detection dataset without predictions; absent in results saved before. */
  detection?: DetectionReport | null;
  /** store.imageListKey() of the images the columns are for; absent in results saved before it existed. */
  imagesKey?: string;
}

export interface HealthStageOptions {
  root: string;
  embedderId: string;
  seed: number;
}

/**
 * The saved health result, or null when the images changed since it was computed (a rescan renumbers them, so its
 * per-image columns would land on other images): the next analysis recomputes it.
 */
export function loadHealth(store: ProjectStore): HealthResult | null {
  const saved = store.loadResult(HEALTH_RESULT_NAME);
  if (!saved) return null;
  const result = decodeFrame(saved.data) as HealthResult;
  const count = store.imageCount();
  const current = result.imagesKey === undefined ? result.columns.every((c) => (c.kind === 'number' ? c.values : c.codes).length === count) : result.imagesKey === store.imageListKey();
  return current ? result : null;
}

export async function computeHealth(store: ProjectStore, options: HealthStageOptions, ctx: JobContext): Promise<HealthResult> {
  const images = store.listImages();
  const layout = store.latestLayout(options.embedderId);
  const predictions = store.loadPredictions();
  const probs = store.loadPredictionProbabilities();
  const boxes = loadDetectionBoxes(store);
  // The boxes' key is a hash of their content: editing an annotation or prediction file recomputes. (A
  // classification dataset keeps the key it had, so its saved scores stay valid.)
  const predictionsInput = boxes ? { predictions: predictions?.info ?? null, boxes: boxes.key } : (predictions?.info ?? null);
  const key = inputKey(store.imageListKey(), options, layout?.createdAtMs ?? 0, predictionsInput);
  const saved = store.loadResult(HEALTH_RESULT_NAME);
  if (saved?.inputKey === key) return decodeFrame(saved.data) as HealthResult;

  const n = images.length;
  const { stats, hashes } = await pixelChecks(store, images, options.root, ctx);

  ctx.stage('Scoring labels and finding clusters', 0, 'health');
  const encoded = encodeClassification(store.getMeta().classes, images.map((r) => r.label), predictions?.predictions ?? null);
  const alignedProbs = probs ? alignProbabilities(probs, encoded.classes) : null;
  // A detection image's label is its dominant class, not a verdict on it: its scores come from the boxes instead.
  const metrics = predictions && boxes === null ? classificationMetrics(encoded, { probs: alignedProbs }) : null;
  const detection = boxes ? detectionHealth(boxes.boxes) : null;

  const emb = store.loadEmbeddings(options.embedderId);
  const graph = emb && emb.idxs.length > 2 ? await embeddingNeighbors(emb.data, emb.idxs.length, emb.dim, NEIGHBOURS, { metric: 'cosine', seed: options.seed, signal: ctx.signal }) : null;
  const quality = await labelQuality(
    {
      classes: encoded.classes,
      labels: encoded.labels,
      predictedProbs: alignedProbs,
      embeddings: emb,
      neighbours: graph ? { indices: graph.indices, k: graph.k } : null,
    },
    { k: NEIGHBOURS, seed: options.seed, signal: ctx.signal },
  );
  ctx.signal.throwIfAborted();

  const columns: ScoreColumn[] = [...(metrics?.columns ?? []), ...(detection?.columns ?? []), ...quality.columns];
  const duplicateOf = exactDuplicates(hashes);
  columns.push(duplicateColumn(duplicateOf));
  let nearDuplicateOf = new Int32Array(n).fill(-1);
  if (graph && emb) {
    const rowToImage = emb.idxs;
    columns.push(...outlierColumns(graph).map((c) => scatterRows(c, rowToImage, n, false)));
    // The basic pixels embedder packs unrelated images close together: an absolute cosine threshold made for CLIP
    // would call a third of Fashion-MNIST near-duplicates, so other embedders use Cleanlab's relative rule.
    const threshold: NearDuplicateThreshold = options.embedderId.startsWith('clip')
      ? { mode: 'absolute', distance: DEFAULT_NEAR_DUPLICATE_COSINE_DISTANCE }
      : { mode: 'relative', factor: CLEANLAB_NEAR_DUPLICATE_FACTOR };
    const near = nearDuplicateColumns(nearDuplicates(graph, threshold), 'cosine').map((c) => scatterRows(c, rowToImage, n, c.name === 'near_duplicate_of'));
    columns.push(...near);
    const nearColumn = near.find((c) => c.name === 'near_duplicate_of');
    if (nearColumn?.kind === 'number') nearDuplicateOf = Int32Array.from(nearColumn.values, (v) => (Number.isNaN(v) ? -1 : v));
  }
  const splits = encodeSplits(images.map((r) => r.split));
  if (splits.names.length > 1) columns.push(...leakColumns(leakySplits([duplicateOf, nearDuplicateOf], splits.codes)));
  const datasetClassCount = store.getMeta().classes.length;
  if (datasetClassCount > 1) {
    const labelsInDataset = Int32Array.from(encoded.labels, (c) => (c < datasetClassCount ? c : -1));
    columns.push(...imbalanceColumns(classImbalance(labelsInDataset, datasetClassCount)));
  }
  columns.push(...qualityFlags(stats, n));

  let clusters: ClusterSummary[] = [];
  if (layout) {
    const cluster = clusterPlacedPoints(layout.xy);
    columns.push(clusterColumn(cluster));
    const loss = metrics?.columns.find((c) => c.name === 'loss');
    clusters = summarizeClusters({
      cluster,
      labels: encoded.labels,
      classes: encoded.classes,
      ...(predictions ? { predicted: encoded.predicted, correct: metrics?.correct ?? storedCorrect(predictions.predictions) } : {}),
      ...(loss?.kind === 'number' ? { loss: loss.values } : {}),
      ...(detection ? { f1: detection.f1 } : {}),
      ...(splits.names.length > 0 ? { split: splits.codes, splitNames: splits.names } : {}),
      xy: layout.xy,
    });
  }

  const result: HealthResult = { columns, clusters, classification: metrics?.report ?? null, detection: detection?.report ?? null, imagesKey: store.imageListKey() };
  store.saveResult(HEALTH_RESULT_NAME, key, encodeFrame(result));
  return result;
}

/** The joined predictions' right/wrong per image (1, 0, -1 for unknown), as the cluster summaries take it. */
function storedCorrect(predictions: readonly ({ correct: boolean | null } | null)[]): Int8Array {
  return Int8Array.from(predictions, (p) => (p?.correct === true ? 1 : p?.correct === false ? 0 : -1));
}

/** Decodes each image once for its quality stats and pixel hash; stored per image, so only new files are decoded. */
async function pixelChecks(store: ProjectStore, images: readonly ImageRow[], root: string, ctx: JobContext): Promise<{ stats: Float32Array; hashes: (string | null)[] }> {
  const n = images.length;
  const stats = new Float32Array(n * QUALITY_STATS_DIM).fill(Number.NaN);
  const hashes: (string | null)[] = new Array<string | null>(n).fill(null);
  const saved = store.loadImageStats(QUALITY_STATS_VERSION);
  const done = new Set<number>();
  saved.idxs.forEach((idx, row) => {
    const { stats: s, hash } = readPixelRow(saved.data.subarray(row * saved.dim, (row + 1) * saved.dim));
    stats.set(s, idx * QUALITY_STATS_DIM);
    hashes[idx] = hash;
    done.add(idx);
  });
  const todo = images.filter((r) => r.status === 'ok' && !done.has(r.idx));
  ctx.stage('Checking image quality', todo.length, 'quality');
  const runner = new PixelCheckRunner();
  try {
    for (let start = 0; start < todo.length; start += PIXEL_CHUNK) {
      const chunk = todo.slice(start, start + PIXEL_CHUNK);
      const checked = await runner.run(
        chunk.map((r) => path.join(root, r.path)),
        chunk.map((r) => r.path),
        { signal: ctx.signal, onProgress: (k) => ctx.progress(start + k) },
      );
      // The files were read whole for these checks: record their content hashes for later rescans (no second read).
      const hashed = chunk.flatMap((r, i) => (r.contentHash === null && checked.contentHashes[i] ? [{ idx: r.idx, contentHash: checked.contentHashes[i] as string }] : []));
      store.saveContentHashes(hashed);
      const rows: number[] = [];
      const values: Float32Array[] = [];
      chunk.forEach((r, i) => {
        const hash = checked.hashes[i] ?? null;
        if (hash === null) return;
        const s = checked.stats.subarray(i * QUALITY_STATS_DIM, (i + 1) * QUALITY_STATS_DIM);
        stats.set(s, r.idx * QUALITY_STATS_DIM);
        hashes[r.idx] = hash;
        rows.push(r.idx);
        values.push(pixelRow(s, hash));
      });
      const dim = QUALITY_STATS_DIM + PIXEL_HASH_BYTES / 4;
      const packed = new Float32Array(rows.length * dim);
      values.forEach((v, i) => packed.set(v, i * dim));
      store.saveImageStats(QUALITY_STATS_VERSION, rows, dim, packed);
    }
  } finally {
    await runner.close();
  }
  return { stats, hashes };
}

/** Clusters the placed points of a layout (NaN positions are images without one: they get -1). */
function clusterPlacedPoints(xy: Float32Array): Int32Array {
  const n = xy.length / 2;
  const placed: number[] = [];
  for (let i = 0; i < n; i += 1) if (Number.isFinite(xy[2 * i])) placed.push(i);
  const compact = new Float32Array(placed.length * 2);
  placed.forEach((idx, j) => {
    compact[2 * j] = xy[2 * idx] as number;
    compact[2 * j + 1] = xy[2 * idx + 1] as number;
  });
  const byRow = placed.length > 0 ? clusterLayout(compact) : new Int32Array(0);
  const cluster = new Int32Array(n).fill(-1);
  placed.forEach((idx, j) => (cluster[idx] = byRow[j] as number));
  return cluster;
}

/**
 * A column computed per embedding row, spread to image order (NaN for images without a vector). Index-valued
 * columns name other rows, which are translated to image indices too.
 */
function scatterRows(column: ScoreColumn, rowToImage: Int32Array, imageCount: number, indexValued: boolean): ScoreColumn {
  if (column.kind !== 'number') throw new Error(`scatterRows: ${column.name} is not a number column`);
  const values = new Float32Array(imageCount).fill(Number.NaN);
  rowToImage.forEach((idx, row) => {
    const v = column.values[row] as number;
    values[idx] = indexValued && v >= 0 ? (rowToImage[v] as number) : v;
  });
  return { ...column, values } satisfies NumberColumn;
}

/** What the result depends on: change any of it and the scores are recomputed. */
function inputKey(imagesKey: string, options: HealthStageOptions, layoutCreatedAtMs: number, predictionsInfo: unknown): string {
  const hash = createHash('sha1');
  hash.update(JSON.stringify({ v: QUALITY_STATS_VERSION, embedder: options.embedderId, seed: options.seed, layoutCreatedAtMs, predictionsInfo }));
  hash.update(imagesKey);
  return hash.digest('hex');
}
