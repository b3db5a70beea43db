/**
 * A stand-in EngineHost for looking at the UI before (or without) the real engine: real images, labels and
 * predictions from a sample folder, a synthetic 2-D layout (class clusters, mistakes pulled toward the class they
 * were confused with), and a simulated analysis job with live previews. Scales to any point count by repeating
 * images, to see the map at 100k or 1M points.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { z } from 'zod';
import type { AnalyzeParams, ApiEvents, ApiHandlers, EventName } from '../../src/shared/api/contract.js';
import type { AnyEventListener, EngineHost } from '../../src/shared/api/engine.js';
import { ApiError } from '../../src/shared/api/errors.js';
import type { DatasetSummary, ImageRecord, InputProblem, JobStatus, PointColumns } from '../../src/shared/model/dataset.js';
import { pointsCsv } from '../../src/core/export/points-csv.js';
import { pathsList } from '../../src/core/export/paths-list.js';
import { mulberry32 } from '../../src/core/project/prng.js';
import { createHarnessModels } from './harness-models.js';
import { harnessReport, harnessScores } from './harness-scores.js';

export interface HarnessOptions {
  /** Folder with labels.csv, predictions.csv and the images they name. */
  root: string;
  /** Points to serve; images repeat when this exceeds the sample. Default: one per image. */
  pointCount?: number;
  /** Start with a finished layout instead of running the simulated analysis. */
  withLayout?: boolean;
  /** How long the simulated analysis takes. */
  analysisMs?: number;
  /** Answer dataset.scores and dataset.clusters the way an older engine does: by throwing. */
  withoutScores?: boolean;
}

const LabelRow = z.object({ path: z.string().min(1), label: z.string().min(1) });
const PredictionRow = z.looseObject({ path: z.string().min(1), predicted_label: z.string().min(1), confidence: z.coerce.number() });

async function readCsv<T>(file: string, schema: z.ZodType<T>): Promise<T[]> {
  const rows: unknown[] = parse(await readFile(file, 'utf8'), { columns: true, skip_empty_lines: true });
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    // Line i + 2: one header line, and lines are 1-based.
    if (!parsed.success) throw new Error(`${file}:${i + 2}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface SampleImage {
  path: string;
  label: number;
  predicted: number;
  confidence: number;
  probabilities: number[] | null;
}

function classCentre(c: number, classCount: number): [number, number] {
  const angle = (2 * Math.PI * c) / classCount;
  return [10 * Math.cos(angle), 10 * Math.sin(angle) * 0.8];
}

function syntheticLayout(images: readonly SampleImage[], count: number, classCount: number): Float32Array {
  const random = mulberry32(42);
  const centre = (c: number): [number, number] => classCentre(c, classCount);
  const xy = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const image = images[i % images.length]!;
    const [lx, ly] = centre(image.label);
    const [px, py] = centre(image.predicted < 0 ? image.label : image.predicted);
    // Mistakes sit part-way toward the class the model saw, as in a real embedding map.
    const pull = image.predicted === image.label ? 0 : 0.25 + 0.5 * random();
    xy[2 * i] = lx + (px - lx) * pull + gaussian(random) * 1.1;
    xy[2 * i + 1] = ly + (py - ly) * pull + gaussian(random) * 1.1;
  }
  return xy;
}

export async function createHarnessEngine(options: HarnessOptions): Promise<EngineHost> {
  const root = path.resolve(options.root);
  const labels = await readCsv(path.join(root, 'labels.csv'), LabelRow);
  const predictions = new Map((await readCsv(path.join(root, 'predictions.csv'), PredictionRow)).map((p) => [p.path, p]));
  const classes = [...new Set(labels.map((l) => l.label))].sort();
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const images: SampleImage[] = labels.map((row) => {
    const prediction = predictions.get(row.path);
    const probabilities = prediction ? classes.map((c) => Number(prediction[`prob_${c}`])) : null;
    return {
      path: row.path,
      label: classIndex.get(row.label)!,
      predicted: prediction ? (classIndex.get(prediction.predicted_label) ?? -1) : -1,
      confidence: prediction ? prediction.confidence : NaN,
      probabilities: probabilities?.every(Number.isFinite) ? probabilities : null,
    };
  });
  const count = options.pointCount ?? images.length;
  const imageAt = (i: number): SampleImage => images[i % images.length]!;
  const finalXy = syntheticLayout(images, count, classes.length);
  const datasetId = 'harness';
  const problems: InputProblem[] = [
    { file: 'images/coat/broken.png', kind: 'corrupt-image', message: 'PNG signature is missing: not an image file' },
    { file: 'labels.csv', line: 418, kind: 'unknown-path', message: 'images/shirt/99999.png is not in the dataset folder' },
  ];

  const columns: Omit<PointColumns, 'xy'> = {
    count,
    label: Int32Array.from({ length: count }, (_, i) => imageAt(i).label),
    predicted: Int32Array.from({ length: count }, (_, i) => imageAt(i).predicted),
    correct: Int8Array.from({ length: count }, (_, i) => {
      const image = imageAt(i);
      return image.predicted < 0 ? -1 : image.predicted === image.label ? 1 : 0;
    }),
    confidence: Float32Array.from({ length: count }, (_, i) => imageAt(i).confidence),
    loss: Float32Array.from({ length: count }, (_, i) => {
      const image = imageAt(i);
      const p = image.probabilities?.[image.label];
      return p === undefined ? NaN : -Math.log(Math.max(p, 1e-7));
    }),
    usable: new Uint8Array(count).fill(1),
  };
  // Computed lazily, once: only a laid-out dataset has scores, as with the real engine.
  let health: ReturnType<typeof harnessScores> | null = null;
  const healthNow = (): ReturnType<typeof harnessScores> => {
    health ??= harnessScores({
      count,
      classes,
      columns,
      probabilitiesAt: (i) => imageAt(i).probabilities,
      pathAt: (i) => imageAt(i).path,
      xy: finalXy,
      centre: (c) => classCentre(c, classes.length),
    });
    return health;
  };
  const requireScores = (): void => {
    if (options.withoutScores) throw new ApiError('unknown-method', 'this engine has no scores');
  };
  const accuracy = columns.correct.reduce((n, c) => n + (c === 1 ? 1 : 0), 0) / count;

  let hasLayout = options.withLayout ?? false;
  const listeners = new Set<AnyEventListener>();
  const emit = <E extends EventName>(event: E, payload: ApiEvents[E]): void => {
    for (const listener of listeners) listener(event, payload);
  };
  const jobs = new Map<string, JobStatus>();
  const timers = new Map<string, ReturnType<typeof setInterval>>();
  let nextJob = 1;

  const summary = (): DatasetSummary => ({
    id: datasetId,
    root,
    name: path.basename(root),
    imageCount: count,
    skippedCount: 0,
    labelSource: 'csv',
    classes,
    problems,
    embedder: hasLayout
      ? {
          id: 'clip-vit-b32',
          name: 'CLIP ViT-B/32',
          dim: 512,
          executionProvider: 'webgpu',
          skippedProviders: [{ provider: 'cuda', stage: 'unavailable', reason: 'the CUDA provider library is not installed: run `npm run setup:cuda`' }],
        }
      : null,
    embeddedCount: hasLayout ? count : 0,
    layout: hasLayout
      ? { method: 'umap', embedderId: 'clip-vit-b32', params: { nNeighbors: 15 }, pointCount: count, createdAtMs: Date.now() }
      : null,
    predictions: { file: 'predictions.csv', matched: count, missing: 0, hasProbabilities: true, accuracy },
  });

  const requireDataset = (id: string): void => {
    if (id !== datasetId) throw new ApiError('dataset-not-found', `no open dataset ${id}`);
  };
  const requireIndex = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new ApiError('bad-index', `no image ${index}`);
  };
  const thumbnails = new Map<string, Promise<Uint8Array>>();

  const setJob = (status: JobStatus): JobStatus => {
    jobs.set(status.jobId, status);
    emit('job.progress', status);
    return status;
  };

  const startAnalysis = (_params: AnalyzeParams): JobStatus => {
    const jobId = `job-${nextJob++}`;
    const analysisMs = options.analysisMs ?? 4000;
    const steps = 20;
    const start = new Float32Array(count * 2).map(() => (Math.random() - 0.5) * 30);
    let step = 0;
    const timer = setInterval(() => {
      step++;
      if (step <= steps / 2) {
        setJob({ jobId, datasetId, kind: 'analyze', state: 'running', stage: 'Embedding images', done: Math.round((count * step) / (steps / 2)), total: count });
        return;
      }
      const t = (step - steps / 2) / (steps / 2);
      const xy = start.map((v, i) => v + (finalXy[i]! - v) * t);
      emit('layout.preview', { datasetId, jobId, xy, final: t >= 1 });
      if (t < 1) {
        setJob({ jobId, datasetId, kind: 'analyze', state: 'running', stage: 'Laying out (UMAP)', done: step - steps / 2, total: steps / 2 });
        return;
      }
      clearInterval(timer);
      timers.delete(jobId);
      hasLayout = true;
      setJob({ jobId, datasetId, kind: 'analyze', state: 'done', stage: 'Done', done: steps / 2, total: steps / 2 });
      emit('dataset.changed', { datasetId });
    }, analysisMs / steps);
    timers.set(jobId, timer);
    return setJob({ jobId, datasetId, kind: 'analyze', state: 'running', stage: 'Starting', done: 0, total: 0 });
  };

  const handlers: ApiHandlers = {
    'app.info': async () => ({
      version: '0.0.0-harness',
      initialDataset: { root },
      capabilities: { writeFiles: false, projectionMethods: ['umap'], executionProviders: ['auto', 'cpu', 'webgpu', 'cuda'] },
    }),
    'dataset.open': async ({ root: asked }) => {
      if (path.resolve(asked) !== root) throw new ApiError('not-a-dataset', `the UI harness serves only ${root}`, asked);
      return summary();
    },
    'dataset.summary': async ({ datasetId: id }) => {
      requireDataset(id);
      return summary();
    },
    'dataset.points': async ({ datasetId: id }) => {
      requireDataset(id);
      return { ...columns, xy: hasLayout ? finalXy : new Float32Array(count * 2).fill(NaN) };
    },
    'dataset.scores': async ({ datasetId: id }) => {
      requireDataset(id);
      requireScores();
      return hasLayout ? healthNow().scores : [];
    },
    'dataset.clusters': async ({ datasetId: id }) => {
      requireDataset(id);
      requireScores();
      return hasLayout ? healthNow().clusters : [];
    },
    'dataset.report': async ({ datasetId: id }) => {
      requireDataset(id);
      return { classification: harnessReport(classes, columns) };
    },
    // The harness has no embeddings: a subset keeps its points' positions on the full map.
    'layout.subset': async ({ datasetId: id, indices }) => {
      requireDataset(id);
      const xy = new Float32Array(indices.length * 2);
      indices.forEach((index, i) => {
        requireIndex(index);
        xy[2 * i] = finalXy[2 * index] as number;
        xy[2 * i + 1] = finalXy[2 * index + 1] as number;
      });
      return xy;
    },
    'image.record': async ({ datasetId: id, index }): Promise<ImageRecord> => {
      requireDataset(id);
      requireIndex(index);
      const image = imageAt(index);
      return {
        index,
        path: image.path,
        label: classes[image.label] ?? null,
        predictedLabel: classes[image.predicted] ?? null,
        confidence: Number.isFinite(image.confidence) ? image.confidence : null,
        correct: columns.correct[index] === -1 ? null : columns.correct[index] === 1,
        loss: Number.isFinite(columns.loss[index]!) ? columns.loss[index]! : null,
        width: 28,
        height: 28,
      };
    },
    'image.thumbnail': async ({ datasetId: id, index, size }) => {
      requireDataset(id);
      requireIndex(index);
      const file = path.join(root, imageAt(index).path);
      const key = `${file}@${size}`;
      let found = thumbnails.get(key);
      if (!found) {
        found = sharp(file)
          .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80 })
          .toBuffer()
          .then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
        thumbnails.set(key, found);
      }
      return found;
    },
    'predictions.import': async () => {
      throw new ApiError('unsupported', 'the UI harness cannot import predictions');
    },
    'job.analyze': async (params) => {
      requireDataset(params.datasetId);
      return startAnalysis(params);
    },
    'job.cancel': async ({ jobId }) => {
      const job = jobs.get(jobId);
      if (!job) throw new ApiError('job-not-found', `no job ${jobId}`);
      clearInterval(timers.get(jobId));
      timers.delete(jobId);
      return job.state === 'running' ? setJob({ ...job, state: 'cancelled' }) : job;
    },
    'job.list': async () => [...jobs.values()],
    // The harness has no embeddings and no text tower: similar means near on the synthetic map; text features say why not.
    'search.similar': async ({ datasetId: id, index, indices, topK = 50 }) => {
      requireDataset(id);
      const query = indices ? Array.from(indices) : index !== undefined ? [index] : [];
      query.forEach(requireIndex);
      const qx = query.reduce((s, i) => s + finalXy[2 * i]!, 0) / query.length;
      const qy = query.reduce((s, i) => s + finalXy[2 * i + 1]!, 0) / query.length;
      const scores = Float32Array.from({ length: count }, (_, i) => -Math.hypot(finalXy[2 * i]! - qx, finalXy[2 * i + 1]! - qy));
      const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!).slice(0, topK);
      return { indices: Uint32Array.from(order), scores: Float32Array.from(order, (i) => scores[i]!) };
    },
    'search.text': async () => {
      throw new ApiError('no-text-tower', 'Basic pixels embedder (no model) has no text tower (UI harness)');
    },
    'labels.zeroShot': async () => {
      throw new ApiError('no-text-tower', 'Basic pixels embedder (no model) has no text tower (UI harness)');
    },
    'clusters.name': async () => {
      throw new ApiError('no-text-tower', 'Basic pixels embedder (no model) has no text tower (UI harness)');
    },
    'export.selection': async ({ datasetId: id, indices, format }) => {
      requireDataset(id);
      const paths = Array.from({ length: count }, (_, i) => imageAt(i).path);
      const content =
        format === 'csv'
          ? pointsCsv(
              {
                path: paths,
                label: { codes: columns.label, names: classes },
                predictedLabel: { codes: columns.predicted, names: classes },
                confidence: columns.confidence,
                correct: columns.correct,
                xy: hasLayout ? finalXy : new Float32Array(count * 2).fill(NaN),
              },
              indices,
            )
          : pathsList(Array.from(indices, (i) => path.join(root, paths[i]!)));
      return { content, fileName: format === 'csv' ? 'selection.csv' : 'selection.txt', writtenTo: null };
    },
    ...createHarnessModels({ setJob, timers, nextJobId: () => `job-${nextJob++}` }),
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      for (const timer of timers.values()) clearInterval(timer);
      timers.clear();
      listeners.clear();
    },
  };
}
