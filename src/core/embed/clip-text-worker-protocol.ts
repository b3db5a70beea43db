/** Messages between WorkerTextRunner (parent) and clip-text.worker.ts. Typed arrays travel as transferred buffers. */
import type { TextSessionInfo, TokenRows } from './clip-text-session.js';

export type TextWorkerRequest =
  | { type: 'load'; modelPath: string; providers: readonly string[] | null; warmUpIds: number[] }
  | { type: 'run'; id: number; tokens: TokenRows }
  | { type: 'release' };

export type TextWorkerReply =
  | { type: 'loaded'; info: TextSessionInfo }
  | { type: 'result'; id: number; embeds: Float32Array }
  | { type: 'released' }
  /** `id` is null for failures of load or release. */
  | { type: 'error'; id: number | null; name: string; message: string };
