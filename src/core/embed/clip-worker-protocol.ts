/** Messages between WorkerClipRunner (parent) and clip-inference.worker.ts. Batches and embeds travel as transferred buffers. */
import type { ClipBatch, ClipSessionInfo, ClipTensorNames } from './clip-session.js';

export type ClipWorkerRequest =
  | { type: 'load'; modelPath: string; providers: readonly string[] | null; tensors?: ClipTensorNames }
  | { type: 'run'; id: number; batch: ClipBatch; images: number }
  | { type: 'release' };

export type ClipWorkerReply =
  | { type: 'loaded'; info: ClipSessionInfo }
  | { type: 'result'; id: number; embeds: Float32Array; batch: ClipBatch }
  | { type: 'released' }
  /** `id` is null for failures of load or release. */
  | { type: 'error'; id: number | null; name: string; message: string; batch?: ClipBatch };
