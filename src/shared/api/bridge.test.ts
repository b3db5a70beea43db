import { describe, expect, it } from 'vitest';
import { createBridgeTransport, type BridgeResponse, type DatasetHealthBridge } from './bridge.js';
import { ApiError } from './errors.js';

function bridgeAnswering(answer: (method: string, params: unknown) => Promise<BridgeResponse>) {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const bridge: DatasetHealthBridge = {
    request: answer,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { bridge, emit: (event: string, payload: unknown) => listeners.forEach((l) => l(event, payload)) };
}

describe('createBridgeTransport', () => {
  it('resolves with the result of a successful response', async () => {
    const xy = new Float32Array([1, 2]);
    const { bridge } = bridgeAnswering(async (method, params) => ({ ok: true, result: { method, params, xy } }));
    await expect(createBridgeTransport(bridge).request('dataset.points', { datasetId: 'd' })).resolves.toEqual({
      method: 'dataset.points',
      params: { datasetId: 'd' },
      xy,
    });
  });

  it('rebuilds a failed response as ApiError with code and file', async () => {
    const { bridge } = bridgeAnswering(async () => ({ ok: false, error: { code: 'bad-csv', message: 'line 2', file: 'l.csv' } }));
    const error = await createBridgeTransport(bridge).request('dataset.open', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'bad-csv', message: 'line 2', file: 'l.csv' });
  });

  it('turns a failure of IPC itself into a transport ApiError', async () => {
    const { bridge } = bridgeAnswering(() => Promise.reject(new Error("No handler registered for 'api:request'")));
    await expect(createBridgeTransport(bridge).request('app.info', {})).rejects.toMatchObject({
      code: 'transport',
      message: "No handler registered for 'api:request'",
    });
  });

  it('passes events through until unsubscribed', () => {
    const { bridge, emit } = bridgeAnswering(async () => ({ ok: true, result: null }));
    const seen: unknown[] = [];
    const off = createBridgeTransport(bridge).subscribe((event, payload) => seen.push([event, payload]));
    emit('job.progress', { done: 1 });
    off();
    emit('job.progress', { done: 2 });
    expect(seen).toEqual([['job.progress', { done: 1 }]]);
  });
});
