import { isMethodName, type MethodName } from './contract.js';
import type { EngineHost } from './engine.js';
import { ApiError } from './errors.js';
import type { Transport } from './transport.js';

/** Calls the engine directly: used by the CLI and by tests. */
export function createInProcessTransport(engine: EngineHost): Transport {
  return {
    request(method: string, params: unknown): Promise<unknown> {
      if (!isMethodName(method)) return Promise.reject(new ApiError('unknown-method', `unknown method ${method}`));
      const handler = engine.handlers[method] as (p: unknown) => Promise<unknown>;
      return handler(params as never);
    },
    subscribe(listener) {
      return engine.onEvent((event, payload) => listener(event, payload));
    },
    close() {},
  };
}

export type { MethodName };
