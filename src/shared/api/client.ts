import type { ApiEvents, EventListener, EventName, MethodName, MethodParams, MethodResult } from './contract.js';
import type { Transport } from './transport.js';

export interface ApiClient {
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
  close(): void;
}

/** The typed face of any transport: callers name a method and get its result type. */
export function createClient(transport: Transport): ApiClient {
  return {
    call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
      return transport.request(method, params) as Promise<MethodResult<M>>;
    },
    on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
      return transport.subscribe((name, payload) => {
        if (name === event) listener(payload as ApiEvents[E]);
      });
    },
    close(): void {
      transport.close();
    },
  };
}
