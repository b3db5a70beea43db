/** Wiring only: owns one onnxruntime session for WorkerTextRunner and runs the token rows it is sent. */
import type * as ort from 'onnxruntime-node';
import { loadClipTextSession, runClipTextSession, type TextSignature } from './clip-text-session.js';
import type { TextWorkerReply, TextWorkerRequest } from './clip-text-worker-protocol.js';
import { serveSessionWorker } from './serve-session-worker.js';

let loaded: { session: ort.InferenceSession; signature: TextSignature } | null = null;

serveSessionWorker<TextWorkerRequest, TextWorkerReply>('clip-text.worker', {
  async load(request) {
    const { session, info } = await loadClipTextSession(request.modelPath, request.providers ?? undefined, request.warmUpIds);
    loaded = { session, signature: info.signature };
    return info;
  },
  async run({ id, tokens }) {
    if (!loaded) throw new Error('No model is loaded');
    const embeds = await runClipTextSession(loaded.session, loaded.signature, tokens);
    return { reply: { type: 'result', id, embeds }, transfer: [embeds.buffer as ArrayBuffer] };
  },
  async release() {
    await loaded?.session.release().catch(() => undefined); // the thread ends next; nothing to report a failure to
    loaded = null;
  },
});
