/**
 * The UI harness's model manager: a catalogue of two models, downloads that count bytes up over a few hundred
 * milliseconds (cancellable), and imports that accept any path ending in a folder name or .onnx. It lets the
 * Models panel be developed and tested without the network or real model files.
 */
import type { ApiHandlers } from '../../src/shared/api/contract.js';
import { ApiError } from '../../src/shared/api/errors.js';
import type { JobStatus } from '../../src/shared/model/dataset.js';
import { MODEL_JOBS_SCOPE, type ModelListEntry, type ModelPrecision } from '../../src/shared/model/models.js';

type ModelHandlers = Pick<ApiHandlers, 'models.list' | 'models.download' | 'models.import' | 'models.remove'>;

export interface HarnessModelsDeps {
  setJob(status: JobStatus): JobStatus;
  nextJobId(): string;
  timers: Map<string, ReturnType<typeof setInterval>>;
  /** Total time of a simulated download. */
  downloadMs?: number;
}

const CACHE_DIR = '/harness/models';
const MB = 1_000_000;

export function createHarnessModels(deps: HarnessModelsDeps): ModelHandlers {
  const catalogue = (id: string, name: string, fp32Bytes: number): ModelListEntry => ({
    id,
    name,
    kind: 'catalogue',
    source: { repo: `Xenova/${id}`, revision: 'main' },
    installed: [],
    available: ['fp32', 'fp16'],
    bytesByPrecision: { fp32: fp32Bytes, fp16: fp32Bytes / 2 },
    textAvailable: false,
    embeddingDim: 512,
    dir: `${CACHE_DIR}/${id}`,
    notes: [],
  });
  const models: ModelListEntry[] = [catalogue('clip-vit-b32', 'CLIP ViT-B/32', 610 * MB), catalogue('clip-vit-b16', 'CLIP ViT-B/16', 600 * MB)];
  const defaultModel = (): string => models.find((m) => m.kind === 'catalogue' && m.installed.length > 0)?.id ?? 'pixels';

  return {
    'models.list': async () => ({ cacheDir: CACHE_DIR, models: structuredClone(models), defaultModel: defaultModel() }),
    'models.download': async ({ id, precision = 'fp32' }) => {
      const model = models.find((m) => m.id === id && m.kind === 'catalogue');
      if (!model) throw new ApiError('unknown-model', `No model '${id}' in the catalogue`);
      const total = model.bytesByPrecision[precision] ?? 0;
      const jobId = deps.nextJobId();
      const steps = 10;
      let step = 0;
      const base: JobStatus = { jobId, datasetId: MODEL_JOBS_SCOPE, kind: 'download', state: 'running', stage: `Downloading ${model.name} (${precision})`, done: 0, total };
      const timer = setInterval(() => {
        step++;
        if (step < steps) {
          deps.setJob({ ...base, done: Math.round((total * step) / steps) });
          return;
        }
        clearInterval(timer);
        deps.timers.delete(jobId);
        model.installed = [...new Set<ModelPrecision>([...model.installed, precision])];
        model.textAvailable = true;
        deps.setJob({ ...base, state: 'done', done: total });
      }, (deps.downloadMs ?? 1500) / steps);
      deps.timers.set(jobId, timer);
      return deps.setJob(base);
    },
    'models.import': async ({ path }) => {
      const name = path.split(/[\\/]/).filter(Boolean).pop()?.replace(/\.onnx$/i, '') ?? '';
      if (name === '' || path.endsWith('.txt')) throw new ApiError('import-failed', `${path} is not an ONNX model that onnxruntime can load`, path);
      const model: ModelListEntry = {
        ...catalogue(`local-${models.length.toString(16).padStart(12, '0')}`, name, 88 * MB),
        kind: 'imported',
        source: { importedFrom: path },
        installed: ['fp32'],
        available: ['fp32'],
        notes: ['No tokenizer: text search and zero-shot labels are unavailable for this model.'],
      };
      models.push(model);
      return { model: structuredClone(model), added: true, warnings: model.notes };
    },
    'models.remove': async ({ id }) => {
      const index = models.findIndex((m) => m.id === id);
      if (index < 0) return { removed: false };
      const model = models[index] as ModelListEntry;
      if (model.kind === 'imported') models.splice(index, 1);
      else model.installed = [];
      return { removed: true };
    },
  };
}
