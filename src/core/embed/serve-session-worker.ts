/**
 * The worker side of SessionWorkerRunner: answers load, run and release requests for one onnxruntime session,
 * one request at a time, and turns every failure into an error reply instead of a dead thread.
 */
import { parentPort } from 'node:worker_threads';
import type { LoadedInfo, LoadRequest, ResultReply, SessionWorkerReply, SessionWorkerRequest } from './session-worker-runner.js';

type RunRequest<Request> = Extract<Request, { type: 'run' }>;
type ErrorReply<Reply> = Extract<Reply, { type: 'error' }>;

/** A reply and the buffers it transfers (detached in the worker afterwards). */
export interface Transferred<T> {
  reply: T;
  transfer: ArrayBuffer[];
}

export interface SessionWorkerHandlers<Request extends SessionWorkerRequest, Reply extends SessionWorkerReply> {
  /** Loads the session; its error (naming the file) is the load's reply. */
  load(request: LoadRequest<Request>): Promise<LoadedInfo<Reply>>;
  run(request: RunRequest<Request>): Promise<Transferred<ResultReply<Reply>>>;
  /** Fields added to a failed run's error reply, e.g. the batch buffer handed back for reuse. */
  failedRun?(request: RunRequest<Request>): Transferred<Partial<ErrorReply<Reply>>>;
  /** Frees the session; the thread ends next. */
  release(): Promise<void>;
}

const errorReply = (id: number | null, error: unknown): Extract<SessionWorkerReply, { type: 'error' }> => {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return { type: 'error', id, name, message };
};

/** Serves `handlers` on this worker's parent port; `workerName` names the file in the error for running outside a worker. */
export function serveSessionWorker<Request extends SessionWorkerRequest, Reply extends SessionWorkerReply>(
  workerName: string,
  handlers: SessionWorkerHandlers<Request, Reply>,
): void {
  const port = parentPort;
  if (!port) throw new Error(`${workerName} must run in a worker thread`);
  const post = (reply: SessionWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

  const handle = async (request: Request): Promise<void> => {
    if (request.type === 'load') {
      try {
        post({ type: 'loaded', info: await handlers.load(request as LoadRequest<Request>) });
      } catch (error) {
        post(errorReply(null, error));
      }
    } else if (request.type === 'run') {
      const run = request as RunRequest<Request>;
      try {
        const { reply, transfer } = await handlers.run(run);
        post(reply, transfer);
      } catch (error) {
        const extra = handlers.failedRun?.(run) ?? { reply: {}, transfer: [] };
        post({ ...errorReply(run.id, error), ...extra.reply } as SessionWorkerReply, extra.transfer);
      }
    } else {
      await handlers.release();
      post({ type: 'released' });
    }
  };

  // One request at a time, in arrival order: onnxruntime's run yields once (setImmediate) before it blocks, so an
  // async handler alone would let a 'release' free the session under a run in progress.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: Request) => {
    queue = queue.then(() => handle(request)).catch((error: unknown) => post(errorReply(null, error)));
  });
}
