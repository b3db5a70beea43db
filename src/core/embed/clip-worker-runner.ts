/**
 * Runs a CLIP model in a worker thread so that the engine's thread stays free while a batch runs (onnxruntime-node
 * runs synchronously on the calling thread). Batch tensors are transferred to the worker and back, never copied.
 */
import type { ClipBatch, ClipRunner, ClipSessionInfo, ClipTensorNames } from './clip-session.js';
import type { ClipWorkerReply, ClipWorkerRequest } from './clip-worker-protocol.js';
import { resolveWorkerScriptUrl, SessionWorkerRunner, type LoadRequest } from './session-worker-runner.js';

/**
 * The built `clip-inference.worker.js` beside this module (a bundle must emit it there, as an entry of its own),
 * else the TypeScript source (tsx, vitest); null when neither exists.
 */
export function resolveClipWorkerUrl(baseUrl: string = import.meta.url): URL | null {
  return resolveWorkerScriptUrl('clip-inference.worker', baseUrl);
}

export class WorkerClipRunner implements ClipRunner {
  readonly thread = 'worker';

  private constructor(private readonly worker: SessionWorkerRunner<ClipWorkerRequest, ClipWorkerReply>) {}

  get info(): ClipSessionInfo {
    return this.worker.info;
  }

  /** Starts the worker and loads the model there; rejects with the load error (naming the file). */
  static async load(workerUrl: URL, modelPath: string, providers?: readonly string[], tensors?: ClipTensorNames): Promise<WorkerClipRunner> {
    const load: LoadRequest<ClipWorkerRequest> = { type: 'load', modelPath, providers: providers ?? null, ...(tensors ? { tensors } : {}) };
    return new WorkerClipRunner(await SessionWorkerRunner.start<ClipWorkerRequest, ClipWorkerReply>(workerUrl, 'inference worker', load));
  }

  async run<T extends ClipBatch>(batch: T, images: number): Promise<{ embeds: Float32Array; batch: T }> {
    const reply = await this.worker.run((id) => ({ type: 'run', id, batch, images }), [batch.buffer as ArrayBuffer]);
    // The batch comes back as the same kind of array it went as.
    return { embeds: reply.embeds, batch: reply.batch as T };
  }

  /** Releases the session in the worker (after a run in progress) and ends the thread. */
  release(): Promise<void> {
    return this.worker.release();
  }
}
