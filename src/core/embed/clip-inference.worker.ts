/** Wiring only: owns one onnxruntime session for WorkerClipRunner and runs the batches it is sent. */
import { parentPort } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { loadClipSession, runClipBatch, type ClipTensorNames } from './clip-session.js';
import type { ClipWorkerReply, ClipWorkerRequest } from './clip-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('clip-inference.worker must run in a worker thread');

let session: ort.InferenceSession | null = null;
let tensors: ClipTensorNames | undefined;
/** The float tensor RGB batches are normalised into, kept across runs. */
let scratch: Float32Array | null = null;

const post = (reply: ClipWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
const errorReply = (id: number | null, error: unknown): Extract<ClipWorkerReply, { type: 'error' }> => {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return { type: 'error', id, name, message };
};

// One request at a time, in arrival order: onnxruntime's run yields once (setImmediate) before it blocks, so an
// async handler alone would let a 'release' free the session under a run in progress.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: ClipWorkerRequest) => {
  queue = queue.then(() => handle(request)).catch((error: unknown) => post(errorReply(null, error)));
});

async function handle(request: ClipWorkerRequest): Promise<void> {
  if (request.type === 'load') {
    try {
      const loaded = await loadClipSession(request.modelPath, request.providers ?? undefined, request.tensors);
      tensors = request.tensors;
      session = loaded.session;
      post({ type: 'loaded', info: loaded.info });
    } catch (error) {
      post(errorReply(null, error));
    }
  } else if (request.type === 'run') {
    const { id, batch, images } = request;
    try {
      if (!session) throw new Error('No model is loaded');
      const ran = await runClipBatch(session, batch, images, scratch, tensors);
      scratch = ran.scratch;
      const { embeds } = ran;
      post({ type: 'result', id, embeds, batch }, [embeds.buffer as ArrayBuffer, batch.buffer as ArrayBuffer]);
    } catch (error) {
      post({ ...errorReply(id, error), batch }, [batch.buffer as ArrayBuffer]);
    }
  } else {
    await session?.release().catch(() => undefined); // the thread ends next; nothing to report a failure to
    session = null;
    post({ type: 'released' });
  }
}
