import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors.js';
import type { EmbedderInfo, InputProblem, ProviderSkip } from '../../shared/model/dataset.js';
import { parseNpy } from '../dataset/npy.js';
import { ProblemList } from '../dataset/problems.js';
import { embedInBatches } from '../embed/embed-in-batches.js';
import { OnnxClipEmbedder } from '../embed/onnx-clip-embedder.js';
import { attributeRunFailures, midRunFailureMessage, ProviderRunError } from '../embed/provider-failure.js';
import type { ProviderPlan } from '../embed/provider-plan.js';
import { defaultBatchSize, resolveProviderPlan } from '../embed/providers.js';
import { resolveEmbedder } from '../embed/resolve-embedder.js';
import type { JobContext } from '../jobs/job-registry.js';
import type { ProjectStore } from '../store/project-store.js';

export interface EmbedStageOptions {
  root: string;
  modelCacheDir: string;
  /** Model id or path; undefined picks CLIP ViT-B/32 when cached, else the pixels embedder. */
  model?: string;
  /** Execution providers to try (`resolveProviderPlan`); default: this machine's automatic order. */
  providerPlan?: ProviderPlan;
}

/**
 * Embeds every usable image that has no vector from the chosen embedder yet. Each batch is saved as it finishes,
 * so a cancelled or crashed run, or one whose provider fails mid-way, picks up where it stopped. Returns the
 * embedder used. `load` is the embedder factory (tests pass their own).
 */
export async function embedMissing(store: ProjectStore, options: EmbedStageOptions, ctx: JobContext, load: typeof resolveEmbedder = resolveEmbedder): Promise<EmbedderInfo> {
  ctx.stage('Loading model', 0, 'model');
  const plan = options.providerPlan ?? resolveProviderPlan(undefined);
  const loaded = await load(options.model, { modelCacheDir: options.modelCacheDir, providers: plan.providers, batchSize: defaultBatchSize });
  try {
    const { info } = loaded;
    const { dropped } = store.saveEmbedder(info);
    const done = new Set(store.embeddedIdxs(info.id));
    const todo = store.listImages().filter((row) => row.status === 'ok' && !done.has(row.idx));
    const pathOf = new Map(todo.map((row) => [row.idx, row.path]));
    const problems = new ProblemList(20);
    if (dropped === 'preprocessing') {
      problems.add({ file: info.name, kind: 'preprocessing-changed', message: "its embeddings were made with an earlier image preprocessing (crop and resize), so every image is embedded again" });
    }
    const onnx = info.executionProvider !== 'none';
    const tried = loaded instanceof OnnxClipEmbedder ? loaded.skippedProviders : [];
    const skipped: ProviderSkip[] = onnx ? [...plan.excluded.map((e) => ({ ...e, stage: 'unavailable' as const })), ...tried] : [];
    store.saveProviderSkips(info.id, skipped);
    // A faster provider that could not start is worth telling: the user may expect the GPU to be used.
    for (const skip of tried) {
      problems.add({ file: info.name, kind: 'provider-fallback', message: `${skip.provider} was not used (${skip.stage}): ${skip.reason}; running on ${info.executionProvider}` });
    }
    for (const notice of loaded.notices ?? []) problems.add({ file: info.name, kind: 'model-input', message: notice });
    const embedder = onnx ? attributeRunFailures(loaded, info.executionProvider) : loaded;
    const via = onnx ? `, ${info.executionProvider}, batch ${loaded.batchSize}` : '';
    ctx.stage(`Embedding images (${info.name}${via})`, todo.length, 'embed');
    let saved = 0;
    try {
      await embedInBatches({
        embedder,
        absPaths: todo.map((row) => path.join(options.root, row.path)),
        idxs: todo.map((row) => row.idx),
        signal: ctx.signal,
        onBatch: (idxs, vectors) => {
          store.saveEmbeddingBatch(info.id, info.dim, idxs, vectors);
          saved += idxs.length;
        },
        onFailed: (idx, reason) => {
          problems.add({ file: pathOf.get(idx) ?? `#${idx}`, kind: 'embed-failed', message: reason });
        },
        onProgress: (n, total) => ctx.progress(n, total),
      });
    } catch (error) {
      if (!(error instanceof ProviderRunError)) throw error;
      throw new Error(midRunFailureMessage({ provider: error.provider, reason: error.reason, saved, total: todo.length }), { cause: error });
    } finally {
      // Failures found before a cancel are still worth reporting.
      store.replaceProblems('embed', problems.toArray());
    }
    return info;
  } finally {
    await loaded.close();
  }
}

/**
 * Imports precomputed embeddings: a float32 [N,D] .npy whose row i belongs to data row i of the labels file
 * (or, without a labels file, to the i-th image in path order).
 */
export function importEmbeddings(store: ProjectStore, npyPath: string, ctx: JobContext): EmbedderInfo {
  ctx.stage('Importing embeddings', 0, 'embed');
  const bytes = readFileSync(npyPath);
  const matrix = parseNpy(bytes, npyPath);
  const images = store.listImages();
  const meta = store.getMeta();
  const byLabelsRow = meta.labelSource === 'csv';
  const rowOf = (row: (typeof images)[number]): number | null => (byLabelsRow ? row.labelsRow : row.idx);
  const expectedRows = byLabelsRow ? Math.max(-1, ...images.map((r) => r.labelsRow ?? -1)) + 1 : images.length;
  if (matrix.rows < expectedRows) {
    throw new ApiError(
      'embeddings-row-count',
      `${npyPath}: has ${matrix.rows} rows, but the ${byLabelsRow ? `labels file ${meta.labelsFile ?? ''} needs at least` : 'dataset has'} ${expectedRows}`,
      npyPath,
    );
  }

  const info: EmbedderInfo = {
    id: `import:${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}`,
    name: `Imported embeddings (${path.basename(npyPath)})`,
    dim: matrix.cols,
    executionProvider: 'none',
  };
  const idxs: number[] = [];
  const vectors = new Float32Array(images.length * matrix.cols);
  const problems: InputProblem[] = [];
  for (const row of images) {
    const r = rowOf(row);
    if (r === null) {
      problems.push({ file: row.path, kind: 'no-embedding-row', message: `${row.path} is not in the labels file, so ${path.basename(npyPath)} has no row for it` });
      continue;
    }
    vectors.set(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols), idxs.length * matrix.cols);
    idxs.push(row.idx);
  }
  store.saveEmbedder(info);
  store.saveEmbeddingBatch(info.id, info.dim, idxs, vectors.subarray(0, idxs.length * matrix.cols));
  store.replaceProblems('embed', problems.slice(0, 20));
  ctx.progress(idxs.length, idxs.length);
  return info;
}
