/**
 * A fixed set of worker threads that run named, synchronous kernels over shared memory. The kernels read and
 * write SharedArrayBuffer-backed typed arrays, so a message carries only handles and row ranges, never data.
 * With one thread the kernels run inline on the calling thread (no worker start-up cost, fully deterministic).
 *
 * The threads run `umap.worker.ts` with `workerData.role === 'compute-pool'` (see pool-worker.ts): reusing that
 * file keeps the bundle at one worker entry, and it already resolves beside whichever module starts it.
 */
import type { Worker } from 'node:worker_threads';
import { createAbortError } from '../errors.js';
import { spawnWorker } from '../spawn-worker.js';

/** A kernel: runs synchronously on plain values, typed arrays and SharedArrayBuffers; returns a number or nothing. */
export type PoolKernel = (args: Record<string, unknown>) => number | void;
export type KernelRegistry = Readonly<Record<string, PoolKernel>>;

export interface PoolTask {
  kernel: string;
  args: Record<string, unknown>;
}

export const COMPUTE_POOL_ROLE = 'compute-pool';

export type PoolRequest = { id: number; kernel: string; args: Record<string, unknown> };
export type PoolReply = { id: number; ok: true; result: number } | { id: number; ok: false; name: string; message: string };

export interface ComputePool {
  /** How many tasks run at once; callers split work into this many parts. */
  readonly threads: number;
  /** Runs every task (in parallel when threads > 1) and resolves with their results in task order. One batch at a time. */
  run(tasks: readonly PoolTask[]): Promise<number[]>;
  /** Ends the threads; the pool is unusable afterwards. */
  close(): Promise<void>;
}

export interface ComputePoolOptions {
  threads: number;
  /** Kernels for the inline (threads = 1) path; the threads use the registry pool-worker.ts was built with. */
  kernels: KernelRegistry;
  /** Aborting rejects the running batch with an AbortError and terminates the threads. */
  signal?: AbortSignal;
}

export function createComputePool({ threads, kernels, signal }: ComputePoolOptions): ComputePool {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return threads === 1 ? inlinePool(kernels, signal) : workerPool(threads, signal);
}

function inlinePool(kernels: KernelRegistry, signal: AbortSignal | undefined): ComputePool {
  return {
    threads: 1,
    run: async (tasks) => {
      const results: number[] = [];
      for (const task of tasks) {
        if (signal?.aborted) throw createAbortError(signal.reason);
        const kernel = kernels[task.kernel];
        if (!kernel) throw new Error(`no compute kernel named "${task.kernel}"`);
        results.push(kernel(task.args) ?? 0);
      }
      return results;
    },
    close: async () => {},
  };
}

function workerPool(threads: number, signal: AbortSignal | undefined): ComputePool {
  const workers: Worker[] = Array.from({ length: threads }, () => spawnWorker(undefined, { role: COMPUTE_POOL_ROLE }));
  let nextId = 1;
  let closed = false;
  let busy = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(workers.map((worker) => worker.terminate()));
  };

  const run = (tasks: readonly PoolTask[]): Promise<number[]> =>
    new Promise<number[]>((resolve, reject) => {
      if (closed) return reject(new Error('compute pool is closed'));
      if (busy) return reject(new Error('compute pool is already running a batch'));
      if (signal?.aborted) return reject(createAbortError(signal.reason));
      busy = true;
      const results = new Array<number>(tasks.length).fill(0);
      let nextTask = 0;
      let finished = 0;
      let failed = false;
      const listeners: Array<() => void> = [];
      const cleanUp = (): void => {
        busy = false;
        for (const remove of listeners) remove();
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        cleanUp();
        void close().finally(() => reject(error));
      };
      const onAbort = (): void => fail(createAbortError(signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });

      const pending = new Map<number, number>(); // request id -> task index
      const dispatch = (worker: Worker): void => {
        if (nextTask >= tasks.length) return;
        const taskIndex = nextTask++;
        const task = tasks[taskIndex] as PoolTask;
        const id = nextId++;
        pending.set(id, taskIndex);
        const request: PoolRequest = { id, kernel: task.kernel, args: task.args };
        worker.postMessage(request);
      };
      for (const worker of workers) {
        const onMessage = (reply: PoolReply): void => {
          const taskIndex = pending.get(reply.id);
          if (taskIndex === undefined || failed) return;
          pending.delete(reply.id);
          if (!reply.ok) return fail(Object.assign(new Error(reply.message), { name: reply.name }));
          results[taskIndex] = reply.result;
          finished++;
          if (finished === tasks.length) {
            cleanUp();
            resolve(results);
          } else dispatch(worker);
        };
        const onError = (error: Error): void => fail(error);
        const onExit = (code: number): void => fail(new Error(`compute worker exited with code ${code}`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        listeners.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
      }
      if (tasks.length === 0) {
        cleanUp();
        return resolve([]);
      }
      for (const worker of workers) dispatch(worker);
    });

  return { threads, run, close };
}

/** Splits [0, count) into `parts` contiguous ranges of near-equal size (empty ranges dropped). */
export function splitRange(count: number, parts: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let part = 0; part < parts; part++) {
    const start = Math.floor((count * part) / parts);
    const end = Math.floor((count * (part + 1)) / parts);
    if (end > start) ranges.push([start, end]);
  }
  return ranges;
}
