import type { ErrorEnvelope } from './errors.js';

/** Messages exchanged by message-based transports (WebSocket). */
export type WireMessage =
  | { t: 'req'; id: number; method: string; params: unknown }
  | { t: 'res'; id: number; ok: true; result: unknown }
  | { t: 'res'; id: number; ok: false; error: ErrorEnvelope }
  | { t: 'evt'; event: string; payload: unknown };
