import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BridgeResponse, DatasetHealthBridge } from '../../../shared/api/bridge.js';
import type { WebSocketLike } from '../../../shared/api/ws-transport.js';

const page = (search: string, protocol = 'http:') => ({ protocol, host: '127.0.0.1:5123', search });

function fakeBridge(): DatasetHealthBridge & { requests: unknown[] } {
  const requests: unknown[] = [];
  return {
    requests,
    request: async (method, params): Promise<BridgeResponse> => {
      requests.push([method, params]);
      return { ok: true, result: { version: 'ipc' } };
    },
    onEvent: () => () => {},
  };
}

function fakeSocket(): WebSocketLike {
  return { binaryType: 'blob', readyState: 0, send: vi.fn(), close: vi.fn(), addEventListener: vi.fn() };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('apiSocketUrl', () => {
  it('points at /api on the page host with the page token', async () => {
    const { apiSocketUrl } = await import('./transport.js');
    expect(apiSocketUrl(page('?token=abc123'))).toBe('ws://127.0.0.1:5123/api?token=abc123');
    expect(apiSocketUrl(page('?x=1&token=a%2Bb', 'https:'))).toBe('wss://127.0.0.1:5123/api?token=a%2Bb');
  });

  it('leaves the token out when the page URL has none, so the session cookie is used', async () => {
    const { apiSocketUrl } = await import('./transport.js');
    expect(apiSocketUrl(page(''))).toBe('ws://127.0.0.1:5123/api');
  });
});

describe('selectTransport', () => {
  it('uses the preload bridge when there is one, opening no socket', async () => {
    const { selectTransport } = await import('./transport.js');
    const bridge = fakeBridge();
    const openSocket = vi.fn(fakeSocket);
    const transport = selectTransport({ bridge, location: page('?token=t'), openSocket });
    await expect(transport.request('app.info', {})).resolves.toEqual({ version: 'ipc' });
    expect(bridge.requests).toEqual([['app.info', {}]]);
    expect(openSocket).not.toHaveBeenCalled();
  });

  it('opens the server WebSocket without a bridge', async () => {
    const { selectTransport } = await import('./transport.js');
    const socket = fakeSocket();
    const openSocket = vi.fn(() => socket);
    selectTransport({ bridge: undefined, location: page('?token=t'), openSocket });
    expect(openSocket).toHaveBeenCalledWith('ws://127.0.0.1:5123/api?token=t');
    expect(socket.binaryType).toBe('arraybuffer');
  });
});

describe('getApiClient', () => {
  it('returns one client for the page, over the bridge in Electron', async () => {
    const bridge = fakeBridge();
    vi.stubGlobal('window', { datasetHealth: bridge, location: page('') });
    const { getApiClient } = await import('./transport.js');
    const client = getApiClient();
    expect(getApiClient()).toBe(client);
    await expect(client.call('app.info', {})).resolves.toEqual({ version: 'ipc' });
  });

  it('connects a browser WebSocket in browser mode', async () => {
    const opened: string[] = [];
    vi.stubGlobal('window', { location: page('?token=secret') });
    vi.stubGlobal(
      'WebSocket',
      class {
        binaryType = 'blob';
        readyState = 0;
        constructor(url: string) {
          opened.push(url);
        }
        send() {}
        close() {}
        addEventListener() {}
      },
    );
    const { getApiClient } = await import('./transport.js');
    getApiClient();
    getApiClient();
    expect(opened).toEqual(['ws://127.0.0.1:5123/api?token=secret']);
  });
});
