/**
 * The Electron preload bridge, in one file that the preload (which implements it) and the renderer (which uses
 * it) both import, so the two sides cannot drift.
 */
import { ApiError, fromErrorEnvelope, type ErrorEnvelope } from './errors.js';
import type { Transport } from './transport.js';

/** IPC channel names shared by main and preload. */
export const API_REQUEST_CHANNEL = 'api:request';
export const API_EVENT_CHANNEL = 'api:event';

/** The global name under which the preload exposes the bridge (`window.datasetHealth`). */
export const BRIDGE_GLOBAL_NAME = 'datasetHealth';

/**
 * A settled request. Errors travel as a value, not as a rejection: Electron's contextBridge copies a rejected
 * Error with its message only, so an ApiError's code and file would be lost on the way to the renderer.
 */
export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: ErrorEnvelope };

export interface DatasetHealthBridge {
  request(method: string, params: unknown): Promise<BridgeResponse>;
  /** Returns the function that removes the listener. */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

/** The renderer's transport over the preload bridge. */
export function createBridgeTransport(bridge: DatasetHealthBridge): Transport {
  return {
    async request(method, params) {
      let response: BridgeResponse;
      try {
        response = await bridge.request(method, params);
      } catch (err) {
        // Only IPC itself fails this way (no handler, uncloneable params): engine errors come back as values.
        throw new ApiError('transport', err instanceof Error ? err.message : String(err));
      }
      if (response.ok) return response.result;
      throw fromErrorEnvelope(response.error);
    },
    subscribe(listener) {
      return bridge.onEvent(listener);
    },
    close() {},
  };
}
