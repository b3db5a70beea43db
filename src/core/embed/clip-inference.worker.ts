/** Wiring only: owns one onnxruntime session for WorkerClipRunner and runs the batches it is sent. */
import type * as ort from 'onnxruntime-node';
import { loadClipSession, runClipBatch, type ClipTensorNames } from './clip-session.js';
import type { ClipWorkerReply, ClipWorkerRequest } from './clip-worker-protocol.js';
import { serveSessionWorker } from './serve-session-worker.js';

let session: ort.InferenceSession | null = null;
let tensors: ClipTensorNames | undefined;
/** The float tensor RGB batches are normalised into, kept across runs. */
let scratch: Float32Array | null = null;

serveSessionWorker<ClipWorkerRequest, ClipWorkerReply>('clip-inference.worker', {
  async load(request) {
    const loaded = await loadClipSession(request.modelPath, request.providers ?? undefined, request.tensors);
    tensors = request.tensors;
    session = loaded.session;
    return loaded.info;
  },
  async run({ id, batch, images }) {
    if (!session) throw new Error('No model is loaded');
    const ran = await runClipBatch(session, batch, images, scratch, tensors);
    scratch = ran.scratch;
    const { embeds } = ran;
    return { reply: { type: 'result', id, embeds, batch }, transfer: [embeds.buffer as ArrayBuffer, batch.buffer as ArrayBuffer] };
  },
  // The batch goes back with the error too: the caller reuses its buffer.
  failedRun: ({ batch }) => ({ reply: { batch }, transfer: [batch.buffer as ArrayBuffer] }),
  async release() {
    await session?.release().catch(() => undefined); // the thread ends next; nothing to report a failure to
    session = null;
  },
});
