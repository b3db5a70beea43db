/**
 * Runs a CLIP model in a worker thread so that the engine's thread stays free while a batch runs (onnxruntime-node
 * runs synchronously on the calling thread). Batch tensors are transferred to the worker and back, never copied.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerSpawnSpec } from '../project/spawn-worker.js';
import type { ClipBatch, ClipRunner, ClipSessionInfo, ClipTensorNames } from './clip-session.js';
import type { ClipWorkerReply, ClipWorkerRequest } from './clip-worker-protocol.js';

const WORKER_NAME = 'clip-inference.worker';

/**
 * The built `clip-inference.worker.js` beside this module (a bundle must emit it there, as an entry of its own),
 * else the TypeScript source (tsx, vitest); null when neither exists.
 */
export function resolveClipWorkerUrl(baseUrl: string = import.meta.url): URL | null {
  for (const extension of ['.js', '.ts']) {
    const url = new URL(`./${WORKER_NAME}${extension}`, baseUrl);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

interface PendingRun {
  resolve: (value: { embeds: Float32Array; batch: ClipBatch }) => void;
  reject: (error: Error) => void;
}

const rebuildError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

export class WorkerClipRunner implements ClipRunner {
  readonly thread = 'worker';
  private readonly pending = new Map<number, PendingRun>();
  private nextId = 1;
  private failure: Error | null = null;
  private released: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly info: ClipSessionInfo,
  ) {
    worker.on('message', (reply: ClipWorkerReply) => this.onReply(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`The inference worker exited (code ${code})`)));
    worker.unref(); // an idle runner must not keep the process alive; runs ref it
  }

  /** Starts the worker and loads the model there; rejects with the load error (naming the file). */
  static async load(workerUrl: URL, modelPath: string, providers?: readonly string[], tensors?: ClipTensorNames): Promise<WorkerClipRunner> {
    const spec = workerSpawnSpec(workerUrl);
    const worker = new Worker(spec.script, { eval: spec.eval, execArgv: spec.execArgv });
    // Only our own listeners are removed afterwards: Worker keeps internal ones that keep its port flowing.
    let onError: (error: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    let onMessage: (reply: ClipWorkerReply) => void = () => undefined;
    try {
      const info = await new Promise<ClipSessionInfo>((resolve, reject) => {
        onError = reject;
        onExit = (code) => reject(new Error(`The inference worker exited (code ${code}) while loading ${modelPath}`));
        onMessage = (reply) => {
          if (reply.type === 'loaded') resolve(reply.info);
          else if (reply.type === 'error') reject(rebuildError(reply.name, reply.message));
          else reject(new Error(`Unexpected reply '${reply.type}' from the inference worker while loading`));
        };
        worker.on('error', onError).on('exit', onExit).on('message', onMessage);
        const request: ClipWorkerRequest = { type: 'load', modelPath, providers: providers ?? null, ...(tensors ? { tensors } : {}) };
        worker.postMessage(request);
      });
      return new WorkerClipRunner(worker, info);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
    }
  }

  run<T extends ClipBatch>(batch: T, images: number): Promise<{ embeds: Float32Array; batch: T }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.released) return Promise.reject(new Error('The inference worker was released'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The batch comes back as the same kind of array it went as.
      this.pending.set(id, { resolve: (value) => resolve(value as { embeds: Float32Array; batch: T }), reject });
      if (this.pending.size === 1) this.worker.ref();
      const request: ClipWorkerRequest = { type: 'run', id, batch, images };
      this.worker.postMessage(request, [batch.buffer as ArrayBuffer]);
    });
  }

  /** Releases the session in the worker (after a run in progress) and ends the thread. */
  release(): Promise<void> {
    this.released ??= (async () => {
      if (!this.failure) {
        this.worker.ref();
        const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
        const releasedReply = new Promise<void>((resolve) => {
          const onMessage = (reply: ClipWorkerReply): void => {
            if (reply.type !== 'released') return;
            this.worker.off('message', onMessage);
            resolve();
          };
          this.worker.on('message', onMessage);
        });
        const request: ClipWorkerRequest = { type: 'release' };
        this.worker.postMessage(request);
        await Promise.race([exited, releasedReply]);
      }
      await this.worker.terminate();
      const error = new Error('The inference worker was released');
      for (const run of this.pending.values()) run.reject(error);
      this.pending.clear();
    })();
    return this.released;
  }

  private onReply(reply: ClipWorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    if (reply.id === null) return;
    const run = this.pending.get(reply.id);
    if (!run) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'result') run.resolve({ embeds: reply.embeds, batch: reply.batch });
    else run.reject(rebuildError(reply.name, reply.message));
  }

  private failAll(error: Error): void {
    if (this.released) return; // exiting after release is the normal end
    this.failure ??= error;
    for (const run of this.pending.values()) run.reject(error);
    this.pending.clear();
  }
}
