/**
 * The composition root: builds the engine every host wraps (Electron main, the browser-mode server, the CLI).
 * Handlers stay thin: they find the dataset's store and call one module per job.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiEvents, ApiHandlers, EventName } from '../shared/api/contract.js';
import type { AnyEventListener, EngineHost } from '../shared/api/engine.js';
import { ApiError } from '../shared/api/errors.js';
import type { JobStatus } from '../shared/model/dataset.js';
import { embedMissing, importEmbeddings } from './analyze/embed-stage.js';
import { datasetSummary, exportColumns, imageRecord, pointColumns } from './analyze/dataset-views.js';
import { joinPredictions, refreshDataset } from './analyze/open-dataset.js';
import { computeHealth, loadHealth } from './analyze/health-stage.js';
import { loadMetrics } from './analyze/metrics-stage.js';
import { layoutEmbeddings, reprojectSubset } from './analyze/project-stage.js';
import { TextFeatureService } from './analyze/text-features-service.js';
import { loadZeroShot, namedClusters } from './analyze/text-features.js';
import { makeThumbnail } from './decode/thumbnail.js';
import { UnknownProviderError, validProviderNames, type ProviderPlan } from './embed/provider-plan.js';
import { detectProviderCapabilities, resolveProviderPlan } from './embed/providers.js';
import { pathsList } from './export/paths-list.js';
import { pointsCsv } from './export/points-csv.js';
import { JobRegistry, type JobContext } from './jobs/job-registry.js';
import { createModelHandlers } from './models/model-handlers.js';
import { getProjector, projectionMethods } from './project/methods.js';
import { loadClipTextTower } from './embed/clip-text-encoder.js';
import type { TextTowerLoader } from './search/text-embedder.js';
import { defaultDataDir, datasetIdForRoot } from './store/paths.js';
import { ProjectStore } from './store/project-store.js';

export interface EngineOptions {
  /** Where project stores and models live; default: the user's data directory. */
  dataDir?: string | undefined;
  /** Default `<dataDir>/models`. */
  modelCacheDir?: string | undefined;
  /** The dataset the host opens first (CLI argument or the bundled sample). */
  initialDataset?: string | null | undefined;
  /** Allow `export.selection` to write files on this machine (CLI, desktop). Off for the browser-mode server. */
  allowFileWrites?: boolean | undefined;
  /**
   * The execution provider request used when `job.analyze` names none: 'auto', a name or an ordered list (see
   * AnalyzeParams.provider); default 'auto'.
   */
  providers?: string | readonly string[] | undefined;
  version?: string | undefined;
  /** Where models are downloaded from; default `HF_ENDPOINT`, else https://huggingface.co. */
  hfEndpoint?: string | undefined;
  /** An Electron-ABI build of better-sqlite3 (see ARCHITECTURE.md); plain Node uses the installed one. */
  sqliteNativeBinding?: string | undefined;
  /** Opens a model folder's CLIP text tower; tests pass a fake. Default: the bundled tokenizer + onnx/text_model.onnx. */
  textTowerLoader?: TextTowerLoader | undefined;
  /** Above this many points, search uses the ANN graph (default 200,000); tests lower it. */
  exactSearchMaxPoints?: number | undefined;
}

interface OpenDataset {
  id: string;
  root: string;
  store: ProjectStore;
}

const THUMBNAIL_MAX_PX = 512;

/** An unknown provider name is refused before any work starts, with the valid names. */
function planProvidersOrRefuse(request: string | readonly string[] | undefined): ProviderPlan {
  try {
    return resolveProviderPlan(request);
  } catch (error) {
    if (error instanceof UnknownProviderError) throw new ApiError('unknown-provider', error.message);
    throw error;
  }
}

export async function createEngine(options: EngineOptions = {}): Promise<EngineHost> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const modelCacheDir = options.modelCacheDir ?? path.join(dataDir, 'models');
  const listeners = new Set<AnyEventListener>();
  const emit = <E extends EventName>(event: E, payload: ApiEvents[E]): void => {
    for (const listener of listeners) listener(event, payload);
  };
  const jobs = new JobRegistry((status) => emit('job.progress', status));
  const datasets = new Map<string, OpenDataset>();
  const textFeatures = new TextFeatureService({
    // The text tower runs where the user's provider choice says; by default the text encoder picks its own order.
    textTowerLoader:
      options.textTowerLoader ??
      ((modelDir) => loadClipTextTower(modelDir, options.providers !== undefined ? { providers: planProvidersOrRefuse(options.providers).providers } : {})),
    ...(options.exactSearchMaxPoints !== undefined ? { exactSearchMaxPoints: options.exactSearchMaxPoints } : {}),
  });

  const datasetById = (datasetId: string): OpenDataset => {
    const dataset = datasets.get(datasetId);
    if (!dataset) throw new ApiError('dataset-not-open', `No open dataset with id ${datasetId}; open it first`);
    return dataset;
  };
  const imageAt = (dataset: OpenDataset, index: number) => {
    const row = Number.isInteger(index) ? dataset.store.getImage(index) : null;
    if (!row) throw new ApiError('unknown-image', `Dataset ${dataset.root} has no image #${index}`);
    return row;
  };
  const waitFor = async (finished: Promise<JobStatus>): Promise<void> => {
    const status = await finished;
    if (status.state === 'cancelled') throw new ApiError('cancelled', `${status.stage}: cancelled`);
    if (status.state === 'failed') throw new ApiError('job-failed', status.error ?? 'failed');
  };

  const handlers: ApiHandlers = {
    async 'app.info'() {
      return {
        version: options.version ?? '0.1.0',
        initialDataset: options.initialDataset ? { root: options.initialDataset } : null,
        capabilities: {
          writeFiles: options.allowFileWrites ?? false,
          projectionMethods: [...projectionMethods],
          executionProviders: validProviderNames(detectProviderCapabilities()),
        },
      };
    },

    async 'dataset.open'({ root, labelsPath, predictionsPath, annotationsPath, metricsPath }) {
      const absRoot = path.resolve(root);
      const id = datasetIdForRoot(absRoot);
      let dataset = datasets.get(id);
      if (!dataset) {
        dataset = { id, root: absRoot, store: ProjectStore.openForDataset(dataDir, absRoot, { nativeBinding: options.sqliteNativeBinding }) };
        datasets.set(id, dataset);
      }
      const { store } = dataset;
      const scan = jobs.start(id, 'scan', (ctx) =>
        refreshDataset(
          store,
          absRoot,
          { ...(labelsPath ? { labelsPath } : {}), ...(predictionsPath ? { predictionsPath } : {}), ...(annotationsPath ? { annotationsPath } : {}), ...(metricsPath ? { metricsPath } : {}) },
          ctx,
        ).then(() => undefined),
      );
      try {
        await waitFor(scan.finished);
      } finally {
        // Also when the scan failed or was cancelled: it may have renumbered the images before it stopped.
        textFeatures.invalidate(store);
      }
      return datasetSummary(store, id);
    },

    async 'dataset.summary'({ datasetId }) {
      return datasetSummary(datasetById(datasetId).store, datasetId);
    },

    async 'dataset.points'({ datasetId }) {
      return pointColumns(datasetById(datasetId).store);
    },

    async 'dataset.scores'({ datasetId }) {
      const { store } = datasetById(datasetId);
      return [...(loadHealth(store)?.columns ?? []), ...(loadMetrics(store)?.columns ?? []), ...(loadZeroShot(store)?.columns ?? [])];
    },

    async 'dataset.clusters'({ datasetId }) {
      return namedClusters(datasetById(datasetId).store);
    },

    async 'layout.subset'({ datasetId, indices, method = 'umap', seed = 42 }) {
      const { store } = datasetById(datasetId);
      return reprojectSubset(store, indices, method, seed);
    },

    async 'dataset.report'({ datasetId }) {
      const health = loadHealth(datasetById(datasetId).store);
      return { classification: health?.classification ?? null, detection: health?.detection ?? null };
    },

    async 'image.record'({ datasetId, index }) {
      const dataset = datasetById(datasetId);
      return imageRecord(dataset.store, imageAt(dataset, index));
    },

    async 'image.thumbnail'({ datasetId, index, size }) {
      const dataset = datasetById(datasetId);
      const row = imageAt(dataset, index);
      const maxSide = Math.max(16, Math.min(THUMBNAIL_MAX_PX, Math.round(size)));
      try {
        return await makeThumbnail(path.join(dataset.root, row.path), maxSide);
      } catch (err) {
        throw new ApiError('thumbnail-failed', err instanceof Error ? err.message : String(err), row.path);
      }
    },

    async 'predictions.import'({ datasetId, path: file }) {
      const dataset = datasetById(datasetId);
      const job = jobs.start(datasetId, 'scan', (ctx) => joinPredictions(dataset.store, dataset.root, path.resolve(file), ctx));
      await waitFor(job.finished);
      emit('dataset.changed', { datasetId });
      return datasetSummary(dataset.store, datasetId);
    },

    async 'job.analyze'({ datasetId, model, embeddingsPath, method = 'umap', seed = 42, provider }) {
      const dataset = datasetById(datasetId);
      getProjector(method); // an unavailable method is refused before any work starts
      const providerPlan = planProvidersOrRefuse(provider ?? options.providers);
      const running = jobs.running(datasetId, 'analyze');
      if (running) return running.status;
      const { status } = jobs.start(datasetId, 'analyze', (ctx) =>
        analyze(ctx).catch((err: unknown) => {
          // A failed or cancelled analysis may have saved vectors already; the search index built at its end is kept.
          textFeatures.invalidate(dataset.store);
          throw err;
        }),
      );
      return status;

      async function analyze(ctx: JobContext): Promise<void> {
        const embedder = embeddingsPath
          ? importEmbeddings(dataset.store, path.resolve(embeddingsPath), ctx)
          : await embedMissing(dataset.store, { root: dataset.root, modelCacheDir, ...(model ? { model } : {}), providerPlan }, ctx);
        await layoutEmbeddings(
          dataset.store,
          {
            embedderId: embedder.id,
            method,
            seed,
            onPreview: (xy) => emit('layout.preview', { datasetId, jobId: status.jobId, xy, final: false }),
          },
          ctx,
        );
        await computeHealth(dataset.store, { root: dataset.root, embedderId: embedder.id, seed }, ctx);
        const textProblems = await textFeatures.afterAnalyze(dataset.store, ctx);
        if (textProblems.length > 0) dataset.store.replaceProblems('embed', [...dataset.store.listProblems('embed'), ...textProblems]);
        emit('dataset.changed', { datasetId });
      }
    },

    async 'search.text'({ datasetId, text, topK }) {
      return textFeatures.searchText(datasetById(datasetId).store, text, topK);
    },

    async 'search.similar'({ datasetId, index, indices, topK, excludeQuery = false }) {
      const images = indices !== undefined ? Array.from(indices) : index !== undefined ? [index] : [];
      return textFeatures.searchSimilar(datasetById(datasetId).store, images, topK, excludeQuery);
    },

    async 'labels.zeroShot'({ datasetId, classes, templates }) {
      const dataset = datasetById(datasetId);
      const columns = await textFeatures.zeroShot(dataset.store, { ...(classes ? { classes } : {}), ...(templates ? { templates } : {}) });
      emit('dataset.changed', { datasetId });
      return columns;
    },

    async 'clusters.name'({ datasetId, words }) {
      const clusters = await textFeatures.nameClusters(datasetById(datasetId).store, words);
      emit('dataset.changed', { datasetId });
      return clusters;
    },

    async 'job.cancel'({ jobId }) {
      return jobs.cancel(jobId);
    },

    async 'job.list'({ datasetId }) {
      return jobs.list(datasetId);
    },

    async 'export.selection'({ datasetId, indices, format, outPath }) {
      const { store, root } = datasetById(datasetId);
      const count = store.imageCount();
      for (const i of indices) {
        if (i >= count) throw new ApiError('unknown-image', `Selection names image #${i}, but the dataset has ${count} images`);
      }
      const columns = exportColumns(store);
      const content = format === 'csv' ? pointsCsv(columns, indices) : pathsList(columns.path, indices);
      const base = root.split(/[\\/]/).filter(Boolean).pop() ?? 'dataset';
      const fileName = `${base}-selection-${indices.length}.${format === 'csv' ? 'csv' : 'txt'}`;
      let writtenTo: string | null = null;
      if (outPath !== undefined) {
        if (!options.allowFileWrites) throw new ApiError('writes-not-allowed', 'This host cannot write files; download the content instead');
        writtenTo = path.resolve(outPath);
        await writeFile(writtenTo, content);
      }
      return { content, fileName, writtenTo };
    },

    ...createModelHandlers({ modelCacheDir, jobs, endpoint: options.hfEndpoint }),
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await jobs.cancelAll();
      await textFeatures.close();
      for (const dataset of datasets.values()) dataset.store.close();
      datasets.clear();
      listeners.clear();
    },
  };
}
