/**
 * The parent side of a worker thread that owns one onnxruntime session (the CLIP image and text towers each run in
 * one, because onnxruntime-node runs synchronously on the calling thread): start + load handshake, runs matched to
 * their replies by id, ref/unref so that an idle worker never keeps the process alive, release, and failing every
 * pending run when the thread dies. Each runner adds its own request and reply payloads on top.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerSpawnSpec } from '../project/spawn-worker.js';

/** What every session worker is sent; a protocol's requests add their own fields. */
export type SessionWorkerRequest = { type: 'load'; modelPath: string } | { type: 'run'; id: number } | { type: 'release' };

/** What every session worker answers; a protocol's replies add their own fields. `id` is null for failures of load or release. */
export type SessionWorkerReply =
  | { type: 'loaded'; info: unknown }
  | { type: 'result'; id: number }
  | { type: 'released' }
  | { type: 'error'; id: number | null; name: string; message: string };

export type LoadRequest<Request> = Extract<Request, { type: 'load' }>;
type RunRequest<Request> = Extract<Request, { type: 'run' }>;
export type LoadedInfo<Reply> = Extract<Reply, { type: 'loaded'; info: unknown }>['info'];
export type ResultReply<Reply> = Extract<Reply, { type: 'result' }>;

/**
 * The built `<name>.js` beside `baseUrl` (a bundle must emit it there, as an entry of its own), else the
 * TypeScript source (tsx, vitest); null when neither exists.
 */
export function resolveWorkerScriptUrl(name: string, baseUrl: string): URL | null {
  for (const extension of ['.js', '.ts']) {
    const url = new URL(`./${name}${extension}`, baseUrl);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** Errors cross the thread boundary as name + message; the name (e.g. ModelLoadError) is kept. */
const rebuildError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

interface PendingRun<Result> {
  resolve: (reply: Result) => void;
  reject: (error: Error) => void;
}

export class SessionWorkerRunner<Request extends SessionWorkerRequest, Reply extends SessionWorkerReply> {
  private readonly pending = new Map<number, PendingRun<ResultReply<Reply>>>();
  private nextId = 1;
  private failure: Error | null = null;
  private released: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    /** How errors name the worker, e.g. 'text inference worker'. */
    private readonly label: string,
    readonly info: LoadedInfo<Reply>,
  ) {
    worker.on('message', (reply: Reply) => this.onReply(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`The ${label} exited (code ${code})`)));
    worker.unref(); // an idle runner must not keep the process alive; runs ref it
  }

  /** Starts the worker and sends it `load`; rejects with the load error (naming the file) after ending the thread. */
  static async start<Request extends SessionWorkerRequest, Reply extends SessionWorkerReply>(
    workerUrl: URL,
    label: string,
    load: LoadRequest<Request>,
  ): Promise<SessionWorkerRunner<Request, Reply>> {
    const spec = workerSpawnSpec(workerUrl);
    const worker = new Worker(spec.script, { eval: spec.eval, execArgv: spec.execArgv });
    // Only our own listeners are removed afterwards: Worker keeps internal ones that keep its port flowing.
    let onError: (error: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    let onMessage: (reply: SessionWorkerReply) => void = () => undefined;
    try {
      const info = await new Promise<LoadedInfo<Reply>>((resolve, reject) => {
        onError = reject;
        onExit = (code) => reject(new Error(`The ${label} exited (code ${code}) while loading ${load.modelPath}`));
        onMessage = (reply) => {
          if (reply.type === 'loaded') resolve(reply.info as LoadedInfo<Reply>);
          else if (reply.type === 'error') reject(rebuildError(reply.name, reply.message));
          else reject(new Error(`Unexpected reply '${reply.type}' from the ${label} while loading`));
        };
        worker.on('error', onError).on('exit', onExit).on('message', onMessage);
        worker.postMessage(load);
      });
      return new SessionWorkerRunner<Request, Reply>(worker, label, info);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
    }
  }

  /** Sends the run request made for a fresh id, transferring `transfer` (detached afterwards); resolves with its result reply. */
  run(request: (id: number) => RunRequest<Request>, transfer: readonly ArrayBuffer[]): Promise<ResultReply<Reply>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.released) return Promise.reject(new Error(`The ${this.label} was released`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(request(id), [...transfer]);
    });
  }

  /** Releases the session in the worker (after a run in progress) and ends the thread. */
  release(): Promise<void> {
    this.released ??= (async () => {
      if (!this.failure) {
        this.worker.ref();
        const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
        const releasedReply = new Promise<void>((resolve) => {
          const onMessage = (reply: SessionWorkerReply): void => {
            if (reply.type !== 'released') return;
            this.worker.off('message', onMessage);
            resolve();
          };
          this.worker.on('message', onMessage);
        });
        const request: SessionWorkerRequest = { type: 'release' };
        this.worker.postMessage(request);
        await Promise.race([exited, releasedReply]);
      }
      await this.worker.terminate();
      const error = new Error(`The ${this.label} was released`);
      for (const run of this.pending.values()) run.reject(error);
      this.pending.clear();
    })();
    return this.released;
  }

  private onReply(reply: SessionWorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    if (reply.id === null) return;
    const run = this.pending.get(reply.id);
    if (!run) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'result') run.resolve(reply as ResultReply<Reply>);
    else run.reject(rebuildError(reply.name, reply.message));
  }

  private failAll(error: Error): void {
    if (this.released) return; // exiting after release is the normal end
    this.failure ??= error;
    for (const run of this.pending.values()) run.reject(error);
    this.pending.clear();
  }
}
