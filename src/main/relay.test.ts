import { describe, expect, it, vi } from 'vitest';
import { createBridgeTransport } from '../shared/api/bridge.js';
import { createClient } from '../shared/api/client.js';
import { ApiError } from '../shared/api/errors.js';
import { createPreloadBridge, type IpcRendererLike } from '../preload/bridge.js';
import { createFakeEngine, samplePoints } from '../server/test-engine.js';
import { installApiRelay, sendApiEvent, type IpcInvokeEventLike, type IpcMainLike, type WebContentsLike } from './relay.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/**
 * An in-memory stand-in for Electron IPC between main and one page. Arguments and results are structured-cloned
 * as Electron does, so anything that would not survive real IPC fails here too.
 */
function fakeIpc() {
  const handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>();
  const pageListeners = new Map<string, Set<Listener>>();
  const pageSender = { id: 1 };
  const ipcMain: IpcMainLike = {
    handle: (channel, handler) => void handlers.set(channel, handler),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invokeAs =
    (sender: unknown) =>
    async (channel: string, ...args: unknown[]): Promise<unknown> => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler({ sender }, ...structuredClone(args)));
    };
  const ipcRenderer: IpcRendererLike = {
    invoke: invokeAs(pageSender),
    on: (channel, listener) => pageListeners.set(channel, (pageListeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => pageListeners.get(channel)?.delete(listener),
  };
  const page: WebContentsLike & { destroyed: boolean } = {
    destroyed: false,
    isDestroyed() {
      return this.destroyed;
    },
    send(channel, ...args) {
      for (const l of pageListeners.get(channel) ?? []) l({ sender: 'main' }, ...structuredClone(args));
    },
  };
  return { ipcMain, ipcRenderer, page, pageSender, invokeAs, handlers };
}

function setUp() {
  const ipc = fakeIpc();
  const engine = createFakeEngine();
  const dispose = installApiRelay({
    ipcMain: ipc.ipcMain,
    engine,
    targets: () => [ipc.page],
    isTrustedSender: (event) => event.sender === ipc.pageSender,
  });
  const client = createClient(createBridgeTransport(createPreloadBridge(ipc.ipcRenderer)));
  return { ...ipc, engine, dispose, client };
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('installApiRelay (with the preload bridge and the renderer transport)', () => {
  it('round-trips typed arrays bit-exactly', async () => {
    const { client } = setUp();
    const points = await client.call('dataset.points', { datasetId: 'a' });
    const expected = samplePoints();
    for (const key of ['xy', 'label', 'predicted', 'correct', 'confidence', 'loss', 'usable'] as const) {
      expect(points[key]).toBeInstanceOf(expected[key].constructor);
      expect(bytesOf(points[key]).equals(bytesOf(expected[key]))).toBe(true);
    }
  });

  it('passes typed-array params through to the engine', async () => {
    const { client, engine } = setUp();
    await client.call('export.selection', { datasetId: 'a', indices: new Uint32Array([3, 1]), format: 'csv' });
    expect((engine.calls.at(-1)?.params as { indices: unknown }).indices).toEqual(new Uint32Array([3, 1]));
  });

  it('keeps an engine error code and file across IPC', async () => {
    const { client } = setUp();
    const error = await client.call('dataset.points', { datasetId: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'dataset-not-found', message: 'no dataset missing', file: '/data/missing' });
  });

  it('answers unknown methods with unknown-method', async () => {
    const { ipcRenderer } = setUp();
    const transport = createBridgeTransport(createPreloadBridge(ipcRenderer));
    await expect(transport.request('fs.readFile', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'unknown-method' });
  });

  it('logs unexpected engine failures and reports them as internal', async () => {
    const { client } = setUp();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(client.call('job.list', {})).rejects.toMatchObject({ code: 'internal', message: 'engine bug' });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('job.list failed'), expect.any(TypeError));
    logged.mockRestore();
  });

  it('refuses requests from senders other than the app window', async () => {
    const { invokeAs, engine } = setUp();
    const response = await invokeAs({ id: 99 })('api:request', 'app.info', {});
    expect(response).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(engine.calls).toHaveLength(0);
  });

  it('forwards engine events to the page, typed arrays intact', () => {
    const { client, engine } = setUp();
    const seen: Float32Array[] = [];
    client.on('layout.preview', (p) => seen.push(p.xy));
    const xy = new Float32Array([NaN, -0, 2]);
    engine.emit('layout.preview', { datasetId: 'a', jobId: 'j', xy, final: false });
    expect(seen).toHaveLength(1);
    expect(bytesOf(seen[0]!).equals(bytesOf(xy))).toBe(true);
  });

  it('skips destroyed pages', () => {
    const { page, engine } = setUp();
    const send = vi.spyOn(page, 'send');
    page.destroyed = true;
    engine.emit('dataset.changed', { datasetId: 'a' });
    expect(send).not.toHaveBeenCalled();
  });

  it('sends host events such as app.openDataset on the same channel', () => {
    const { client, page } = setUp();
    const roots: string[] = [];
    client.on('app.openDataset', (p) => roots.push(p.root));
    sendApiEvent([page], 'app.openDataset', { root: '/data/cats' });
    expect(roots).toEqual(['/data/cats']);
  });

  it('stops listening to the page when the renderer unsubscribes', () => {
    const { client, engine } = setUp();
    const seen: unknown[] = [];
    const off = client.on('dataset.changed', (p) => seen.push(p));
    off();
    engine.emit('dataset.changed', { datasetId: 'a' });
    expect(seen).toEqual([]);
  });

  it('dispose removes the IPC handler and the engine subscription', async () => {
    const { client, engine, dispose, handlers } = setUp();
    expect(engine.listenerCount()).toBe(1);
    dispose();
    expect(engine.listenerCount()).toBe(0);
    expect(handlers.size).toBe(0);
    await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'transport' });
  });
});
