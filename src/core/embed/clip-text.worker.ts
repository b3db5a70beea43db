/** Wiring only: owns one onnxruntime session for WorkerTextRunner and runs the token rows it is sent. */
import { parentPort } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { loadClipTextSession, runClipTextSession, type TextSignature } from './clip-text-session.js';
import type { TextWorkerReply, TextWorkerRequest } from './clip-text-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('clip-text.worker must run in a worker thread');

let loaded: { session: ort.InferenceSession; signature: TextSignature } | null = null;

const post = (reply: TextWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
const errorReply = (id: number | null, error: unknown): Extract<TextWorkerReply, { type: 'error' }> => {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return { type: 'error', id, name, message };
};

// One request at a time, in arrival order, so that a 'release' never frees the session under a run in progress.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: TextWorkerRequest) => {
  queue = queue.then(() => handle(request)).catch((error: unknown) => post(errorReply(null, error)));
});

async function handle(request: TextWorkerRequest): Promise<void> {
  if (request.type === 'load') {
    try {
      const { session, info } = await loadClipTextSession(request.modelPath, request.providers ?? undefined, request.warmUpIds);
      loaded = { session, signature: info.signature };
      post({ type: 'loaded', info });
    } catch (error) {
      post(errorReply(null, error));
    }
  } else if (request.type === 'run') {
    try {
      if (!loaded) throw new Error('No model is loaded');
      const embeds = await runClipTextSession(loaded.session, loaded.signature, request.tokens);
      post({ type: 'result', id: request.id, embeds }, [embeds.buffer as ArrayBuffer]);
    } catch (error) {
      post(errorReply(request.id, error));
    }
  } else {
    await loaded?.session.release().catch(() => undefined); // the thread ends next; nothing to report a failure to
    loaded = null;
    post({ type: 'released' });
  }
}
