/**
 * Picks how the renderer reaches the engine: the Electron preload bridge when present, otherwise the
 * browser-mode server's WebSocket on the page's own host.
 */
import { BRIDGE_GLOBAL_NAME, createBridgeTransport, type DatasetHealthBridge } from '../../../shared/api/bridge.js';
import { createClient, type ApiClient } from '../../../shared/api/client.js';
import type { Transport } from '../../../shared/api/transport.js';
import { createWebSocketTransport, type WebSocketLike } from '../../../shared/api/ws-transport.js';

declare global {
  interface Window {
    [BRIDGE_GLOBAL_NAME]?: DatasetHealthBridge;
  }
}

/** The WebSocket endpoint of the server that served this page; the session token comes from the page URL. */
export function apiSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  // Without a token in the URL (a reload after it was dropped) the session cookie authenticates the socket.
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return `${scheme}//${location.host}/api${query}`;
}

export interface TransportEnvironment {
  bridge: DatasetHealthBridge | undefined;
  location: Pick<Location, 'protocol' | 'host' | 'search'>;
  openSocket(url: string): WebSocketLike;
}

export function selectTransport(env: TransportEnvironment): Transport {
  if (env.bridge) return createBridgeTransport(env.bridge);
  return createWebSocketTransport(env.openSocket(apiSocketUrl(env.location)));
}

let client: ApiClient | null = null;

/** The app's one API client, created on first use. */
export function getApiClient(): ApiClient {
  client ??= createClient(
    selectTransport({
      bridge: window[BRIDGE_GLOBAL_NAME],
      location: window.location,
      openSocket: (url) => new WebSocket(url),
    }),
  );
  return client;
}
