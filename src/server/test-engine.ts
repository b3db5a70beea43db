/** A small in-memory EngineHost for host tests: records calls, emits events on demand. */
import type { ApiEvents, ApiHandlers, EventName } from '../shared/api/contract.js';
import type { AnyEventListener, EngineHost } from '../shared/api/engine.js';
import { ApiError } from '../shared/api/errors.js';
import type { PointColumns } from '../shared/model/dataset.js';

export interface FakeEngine extends EngineHost {
  calls: { method: string; params: unknown }[];
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  listenerCount(): number;
}

/** Points with values JSON cannot carry (NaN, -0, Infinity), so a lossy path shows. */
export function samplePoints(): PointColumns {
  return {
    count: 3,
    xy: new Float32Array([0.5, -0, NaN, Infinity, -1e-30, 3.4e38]),
    label: new Int32Array([0, -1, 2_000_000_000]),
    predicted: new Int32Array([1, -1, 0]),
    correct: new Int8Array([0, -1, 1]),
    confidence: new Float32Array([0.25, NaN, 1]),
    loss: new Float32Array([1.3862943611198906, NaN, 0]),
    usable: new Uint8Array([1, 0, 1]),
  };
}

export function createFakeEngine(): FakeEngine {
  const listeners = new Set<AnyEventListener>();
  const calls: FakeEngine['calls'] = [];
  const record =
    <P, R>(method: string, fn: (params: P) => R) =>
    async (params: P): Promise<Awaited<R>> => {
      calls.push({ method, params });
      return await fn(params);
    };
  const handlers: Partial<ApiHandlers> = {
    'app.info': record('app.info', () => ({
      version: '0.0.0-test',
      initialDataset: null,
      capabilities: { writeFiles: false, projectionMethods: ['umap' as const] },
    })),
    'dataset.points': record('dataset.points', ({ datasetId }: { datasetId: string }) => {
      if (datasetId === 'missing') throw new ApiError('dataset-not-found', `no dataset ${datasetId}`, '/data/missing');
      return samplePoints();
    }),
    'image.thumbnail': record('image.thumbnail', () => Buffer.from([0x52, 0x49, 0x46, 0x46])),
    'export.selection': record('export.selection', ({ indices }: { indices: Uint32Array }) => ({
      content: Array.from(indices).join('\n'),
      fileName: 'selection.txt',
      writtenTo: null,
    })),
    'job.list': record('job.list', () => {
      throw new TypeError('engine bug');
    }),
  };
  return {
    handlers: handlers as ApiHandlers,
    calls,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event, payload) {
      for (const l of listeners) l(event, payload);
    },
    listenerCount: () => listeners.size,
    close: async () => {},
  };
}
