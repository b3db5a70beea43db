/** The engine's `models.*` methods: list, download (as a job), import and remove, over one model cache. */
import path from 'node:path';
import type { ApiHandlers } from '../../shared/api/contract.js';
import { ApiError } from '../../shared/api/errors.js';
import { MODEL_JOBS_SCOPE, type ModelPrecision } from '../../shared/model/models.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import { modelCatalogFile } from '../resources.js';
import { catalogPrecisions, filesForPrecision, loadCatalog, type Catalog } from './catalog.js';
import { ModelDownloadError } from './download-errors.js';
import { importModel } from './import-model.js';
import { installCatalogModel } from './install-model.js';
import { listModels, removeModel } from './model-registry.js';

export type ModelHandlers = Pick<ApiHandlers, 'models.list' | 'models.download' | 'models.import' | 'models.remove'>;

export interface ModelHandlerOptions {
  modelCacheDir: string;
  jobs: JobRegistry;
  /** Hugging Face endpoint; default HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string | undefined;
  /** Default: the bundled catalogue. */
  catalog?: Catalog;
}

export function createModelHandlers(options: ModelHandlerOptions): ModelHandlers {
  const { modelCacheDir, jobs } = options;
  let catalog: Promise<Catalog> | null = options.catalog ? Promise.resolve(options.catalog) : null;
  const getCatalog = (): Promise<Catalog> => (catalog ??= loadCatalog(modelCatalogFile()));
  // One download per model at a time, whatever its precision: two installs into one folder would each rewrite
  // its manifest.
  const downloads = new Map<string, { jobId: string; precision: ModelPrecision }>(); // model id -> its latest download
  const runningDownload = (id: string) => {
    const latest = downloads.get(id);
    const status = latest === undefined ? undefined : jobs.list(MODEL_JOBS_SCOPE).find((j) => j.jobId === latest.jobId && j.state === 'running');
    return status && latest ? { status, precision: latest.precision } : undefined;
  };

  const listEntry = async (id: string) => {
    const entry = (await listModels(modelCacheDir, await getCatalog())).models.find((m) => m.id === id);
    if (!entry) throw new ApiError('internal', `Model ${id} was stored but does not list`);
    return entry;
  };

  return {
    async 'models.list'() {
      return listModels(modelCacheDir, await getCatalog());
    },

    async 'models.download'({ id, precision = 'fp32' }) {
      const entry = (await getCatalog()).models.find((m) => m.id === id);
      if (!entry) throw new ApiError('unknown-model', `No model '${id}' in the catalogue; known: ${(await getCatalog()).models.map((m) => m.id).join(', ')}`);
      if (!catalogPrecisions(entry).includes(precision)) throw new ApiError('unknown-model', `${entry.name} has no ${precision} files; choose ${catalogPrecisions(entry).join(' or ')}`);
      const running = runningDownload(id);
      if (running?.precision === precision) return running.status;
      if (running) throw new ApiError('busy', `${entry.name} is downloading in ${running.precision}; wait for it to finish or cancel it before downloading ${precision}`);
      const { status } = jobs.start(MODEL_JOBS_SCOPE, 'download', async (ctx) => {
        // The catalogue's sizes until the server tells the real ones.
        ctx.stage(`Downloading ${entry.name} (${precision})`, filesForPrecision(entry, precision).reduce((sum, f) => sum + f.approxBytes, 0));
        try {
          await installCatalogModel(entry, precision, {
            cacheDir: modelCacheDir,
            signal: ctx.signal,
            onProgress: (p) => ctx.progress(p.doneBytes, p.totalBytes),
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          });
        } catch (error) {
          if (error instanceof ModelDownloadError) throw new ApiError(`download-${error.code}`, error.message);
          throw error;
        }
      });
      downloads.set(id, { jobId: status.jobId, precision });
      return status;
    },

    async 'models.import'({ path: source }) {
      try {
        const outcome = await importModel(path.resolve(source), modelCacheDir);
        return { model: await listEntry(outcome.manifest.id), added: outcome.added, warnings: outcome.warnings };
      } catch (error) {
        throw new ApiError('import-failed', error instanceof Error ? error.message : String(error), source);
      }
    },

    async 'models.remove'({ id }) {
      if (runningDownload(id)) throw new ApiError('busy', `${id} is downloading; cancel the download first`);
      return { removed: await removeModel(modelCacheDir, await getCatalog(), id) };
    },
  };
}
