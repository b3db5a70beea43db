import type { ApiEvents, ApiHandlers, EventName } from './contract.js';

export type AnyEventListener = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/** What core's createEngine() returns and every host wraps. */
export interface EngineHost {
  handlers: ApiHandlers;
  onEvent(listener: AnyEventListener): () => void;
  close(): Promise<void>;
}
