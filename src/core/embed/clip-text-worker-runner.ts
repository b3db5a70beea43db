/**
 * Runs a CLIP text tower in a worker thread: onnxruntime-node runs synchronously on the calling thread, and a batch
 * of 64 prompts through ViT-B/32's text tower takes seconds on a busy laptop CPU, which would freeze the engine.
 * Token rows are transferred to the worker, embeddings transferred back.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerSpawnSpec } from '../project/spawn-worker.js';
import type { TextRunner, TextSessionInfo, TokenRows } from './clip-text-session.js';
import type { TextWorkerReply, TextWorkerRequest } from './clip-text-worker-protocol.js';

const WORKER_NAME = 'clip-text.worker';

/** The built `clip-text.worker.js` beside this module, else the TypeScript source (tsx, vitest); null when neither exists. */
export function resolveClipTextWorkerUrl(baseUrl: string = import.meta.url): URL | null {
  for (const extension of ['.js', '.ts']) {
    const url = new URL(`./${WORKER_NAME}${extension}`, baseUrl);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

interface PendingRun {
  resolve: (embeds: Float32Array) => void;
  reject: (error: Error) => void;
}

/** Errors cross the thread boundary as name + message; the name (e.g. ModelLoadError) is kept. */
const rebuildError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

export class WorkerTextRunner implements TextRunner {
  readonly thread = 'worker';
  private readonly pending = new Map<number, PendingRun>();
  private nextId = 1;
  private failure: Error | null = null;
  private released: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly info: TextSessionInfo,
  ) {
    worker.on('message', (reply: TextWorkerReply) => this.onReply(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`The text inference worker exited (code ${code})`)));
    worker.unref(); // an idle runner must not keep the process alive; runs ref it
  }

  /** Starts the worker and loads the model there; rejects with the load error (naming the file). */
  static async load(workerUrl: URL, modelPath: string, providers: readonly string[] | undefined, warmUpIds: readonly number[]): Promise<WorkerTextRunner> {
    const spec = workerSpawnSpec(workerUrl);
    const worker = new Worker(spec.script, { eval: spec.eval, execArgv: spec.execArgv });
    let onError: (error: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    let onMessage: (reply: TextWorkerReply) => void = () => undefined;
    try {
      const info = await new Promise<TextSessionInfo>((resolve, reject) => {
        onError = reject;
        onExit = (code) => reject(new Error(`The text inference worker exited (code ${code}) while loading ${modelPath}`));
        onMessage = (reply) => {
          if (reply.type === 'loaded') resolve(reply.info);
          else if (reply.type === 'error') reject(rebuildError(reply.name, reply.message));
          else reject(new Error(`Unexpected reply '${reply.type}' from the text inference worker while loading`));
        };
        worker.on('error', onError).on('exit', onExit).on('message', onMessage);
        const request: TextWorkerRequest = { type: 'load', modelPath, providers: providers ?? null, warmUpIds: [...warmUpIds] };
        worker.postMessage(request);
      });
      return new WorkerTextRunner(worker, info);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
    }
  }

  /** Transfers the token arrays: `tokens.inputIds` and `tokens.attentionMask` are detached afterwards. */
  run(tokens: TokenRows): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.released) return Promise.reject(new Error('The text inference worker was released'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      const request: TextWorkerRequest = { type: 'run', id, tokens };
      this.worker.postMessage(request, [tokens.inputIds.buffer as ArrayBuffer, tokens.attentionMask.buffer as ArrayBuffer]);
    });
  }

  /** Releases the session in the worker (after a run in progress) and ends the thread. */
  release(): Promise<void> {
    this.released ??= (async () => {
      if (!this.failure) {
        this.worker.ref();
        const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
        const releasedReply = new Promise<void>((resolve) => {
          const onMessage = (reply: TextWorkerReply): void => {
            if (reply.type !== 'released') return;
            this.worker.off('message', onMessage);
            resolve();
          };
          this.worker.on('message', onMessage);
        });
        const request: TextWorkerRequest = { type: 'release' };
        this.worker.postMessage(request);
        await Promise.race([exited, releasedReply]);
      }
      await this.worker.terminate();
      const error = new Error('The text inference worker was released');
      for (const run of this.pending.values()) run.reject(error);
      this.pending.clear();
    })();
    return this.released;
  }

  private onReply(reply: TextWorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    if (reply.id === null) return;
    const run = this.pending.get(reply.id);
    if (!run) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'result') run.resolve(reply.embeds);
    else run.reject(rebuildError(reply.name, reply.message));
  }

  private failAll(error: Error): void {
    if (this.released) return; // exiting after release is the normal end
    this.failure ??= error;
    for (const run of this.pending.values()) run.reject(error);
    this.pending.clear();
  }
}
