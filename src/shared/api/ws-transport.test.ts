import { describe, expect, it, vi } from 'vitest';
import { decodeFrame, encodeFrame } from './codec.js';
import { ApiError } from './errors.js';
import type { WireMessage } from './protocol.js';
import { createWebSocketTransport, type WebSocketLike } from './ws-transport.js';

/** A scriptable stand-in for a browser WebSocket. */
function fakeSocket(readyState = 0) {
  const listeners = new Map<string, ((ev: { data: unknown }) => void)[]>();
  const sent: WireMessage[] = [];
  const socket = {
    binaryType: 'blob',
    readyState,
    send: (data: Uint8Array) => sent.push(decodeFrame(data) as WireMessage),
    close: vi.fn(),
    addEventListener(type: string, listener: (ev: { data: unknown }) => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
  };
  const fire = (type: string, data?: unknown) => {
    if (type === 'open') socket.readyState = 1;
    if (type === 'close') socket.readyState = 3;
    for (const l of listeners.get(type) ?? []) l({ data });
  };
  const reply = (message: WireMessage) => {
    const frame = encodeFrame(message);
    fire('message', frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength));
  };
  return { socket: socket as WebSocketLike, sent, fire, reply };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createWebSocketTransport', () => {
  it('asks for ArrayBuffers and holds requests until the socket opens', async () => {
    const { socket, sent, fire, reply } = fakeSocket();
    const transport = createWebSocketTransport(socket);
    expect(socket.binaryType).toBe('arraybuffer');
    const result = transport.request('app.info', {});
    await tick();
    expect(sent).toHaveLength(0);
    fire('open');
    await tick();
    expect(sent).toEqual([{ t: 'req', id: 1, method: 'app.info', params: {} }]);
    reply({ t: 'res', id: 1, ok: true, result: { version: '1' } });
    await expect(result).resolves.toEqual({ version: '1' });
  });

  it('matches replies to requests by id and rebuilds errors as ApiError', async () => {
    const { socket, fire, reply } = fakeSocket();
    fire('open');
    const transport = createWebSocketTransport(socket);
    const first = transport.request('a', {});
    const second = transport.request('b', {}).catch((e: unknown) => e);
    await tick();
    reply({ t: 'res', id: 2, ok: false, error: { code: 'nope', message: 'no b', file: 'b.csv' } });
    reply({ t: 'res', id: 1, ok: true, result: 'a!' });
    await expect(first).resolves.toBe('a!');
    const error = await second;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'nope', message: 'no b', file: 'b.csv' });
  });

  it('delivers events to subscribers until they unsubscribe', async () => {
    const { socket, fire, reply } = fakeSocket();
    fire('open');
    const transport = createWebSocketTransport(socket);
    const seen: unknown[] = [];
    const unsubscribe = transport.subscribe((event, payload) => seen.push([event, payload]));
    reply({ t: 'evt', event: 'dataset.changed', payload: { datasetId: 'd' } });
    await tick();
    unsubscribe();
    reply({ t: 'evt', event: 'dataset.changed', payload: { datasetId: 'e' } });
    await tick();
    expect(seen).toEqual([['dataset.changed', { datasetId: 'd' }]]);
  });

  it('rejects pending requests when the socket closes, and later requests at once', async () => {
    const { socket, sent, fire } = fakeSocket();
    fire('open');
    const transport = createWebSocketTransport(socket);
    const pending = transport.request('slow', {});
    await tick();
    fire('close');
    await expect(pending).rejects.toMatchObject({ code: 'transport', message: 'connection closed' });
    await expect(transport.request('later', {})).rejects.toMatchObject({ code: 'transport' });
    expect(sent.map((m) => (m.t === 'req' ? m.method : m.t))).toEqual(['slow']);
  });

  it('rejects requests when the connection fails before opening', async () => {
    const { socket, fire } = fakeSocket();
    const transport = createWebSocketTransport(socket);
    const request = transport.request('app.info', {});
    fire('error');
    fire('close');
    await expect(request).rejects.toMatchObject({ code: 'transport', message: 'WebSocket connection failed' });
  });

  it('closes the socket on an unreadable frame instead of throwing from the listener', () => {
    const { socket, fire } = fakeSocket();
    fire('open');
    createWebSocketTransport(socket);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => fire('message', new Uint8Array([255, 255, 255, 255, 0]).buffer)).not.toThrow();
    expect(socket.close).toHaveBeenCalled();
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });

  it('fails a request whose params cannot be encoded without leaving it pending', async () => {
    const { socket, sent, fire } = fakeSocket();
    fire('open');
    const transport = createWebSocketTransport(socket);
    await expect(transport.request('x', { big: 1n })).rejects.toThrow(TypeError);
    expect(sent).toHaveLength(0);
  });
});
