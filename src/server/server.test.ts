import { request as httpRequest } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, type ApiClient } from '../shared/api/client.js';
import { ApiError } from '../shared/api/errors.js';
import { createWebSocketTransport } from '../shared/api/ws-transport.js';
import { startServer, type RunningServer } from './index.js';
import { createFakeEngine, samplePoints, type FakeEngine } from './test-engine.js';

const INDEX_HTML = '<!doctype html><title>Dataset Health</title>';
const WASM_BYTES = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let workDir: string;
let staticDir: string;
let engine: FakeEngine;
let server: RunningServer;
const openClients: ApiClient[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'dh-server-'));
  staticDir = join(workDir, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), INDEX_HTML);
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(staticDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(staticDir, 'assets', 'zstd.wasm'), WASM_BYTES);
  await writeFile(join(staticDir, 'assets', 'icon.svg'), '<svg/>');
  // A file beside the static root that traversal attempts aim at.
  await writeFile(join(workDir, 'secret.txt'), 'SECRET');
  engine = createFakeEngine();
  server = await startServer({ engine, staticDir });
});

afterEach(() => {
  for (const c of openClients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${server.port}`;

function connect(url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`, headers: Record<string, string> = {}): ApiClient {
  const client = createClient(createWebSocketTransport(new WebSocket(url, { headers })));
  openClients.push(client);
  return client;
}

/** Raw HTTP GET that keeps the path exactly as written (fetch would normalise `..`). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolveGet, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the HTTP status the server refused a WebSocket upgrade with, or 101 when it accepted. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolveStatus(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolveStatus(101);
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('WebSocket API', () => {
  it('round-trips typed arrays bit-exactly', async () => {
    const points = await connect().call('dataset.points', { datasetId: 'a' });
    const expected = samplePoints();
    expect(points.count).toBe(3);
    for (const key of ['xy', 'label', 'predicted', 'correct', 'confidence', 'loss', 'usable'] as const) {
      expect(points[key].constructor).toBe(expected[key].constructor);
      expect(bytesOf(points[key]).equals(bytesOf(expected[key]))).toBe(true);
    }
  });

  it('sends typed-array params to the engine as typed arrays', async () => {
    const indices = new Uint32Array([4_000_000_000, 7, 0]);
    const result = await connect().call('export.selection', { datasetId: 'a', indices, format: 'paths' });
    expect(result.content).toBe('4000000000\n7\n0');
    const received = engine.calls.at(-1)?.params as { indices: unknown };
    expect(received.indices).toBeInstanceOf(Uint32Array);
  });

  it('delivers a Buffer result as a Uint8Array', async () => {
    const thumb = await connect().call('image.thumbnail', { datasetId: 'a', index: 0, size: 64 });
    expect(thumb).toBeInstanceOf(Uint8Array);
    expect(Array.from(thumb)).toEqual([0x52, 0x49, 0x46, 0x46]);
  });

  it('broadcasts engine events to every connected socket', async () => {
    const clients = [connect(), connect()];
    await Promise.all(clients.map((c) => c.call('app.info', {})));
    const received = clients.map(
      (c) => new Promise<Float32Array>((resolveEvent) => c.on('layout.preview', (p) => resolveEvent(p.xy))),
    );
    const xy = new Float32Array([1.5, NaN, -2.25, 0]);
    engine.emit('layout.preview', { datasetId: 'a', jobId: 'j', xy, final: true });
    for (const got of await Promise.all(received)) expect(bytesOf(got).equals(bytesOf(xy))).toBe(true);
  });

  it('returns engine errors as ApiError with code and file', async () => {
    const error = await connect().call('dataset.points', { datasetId: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'dataset-not-found', message: 'no dataset missing', file: '/data/missing' });
  });

  it('reports unexpected engine failures as internal errors, logs them, and keeps serving', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = connect();
    await expect(client.call('job.list', {})).rejects.toMatchObject({ code: 'internal', message: 'engine bug' });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('job.list failed'), expect.any(TypeError));
    logged.mockRestore();
    await expect(client.call('app.info', {})).resolves.toMatchObject({ version: '0.0.0-test' });
  });

  it('rejects unknown methods with code unknown-method', async () => {
    const transport = createWebSocketTransport(new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`));
    await expect(transport.request('nope.nothing', {})).rejects.toMatchObject({ code: 'unknown-method' });
    transport.close();
  });

  it('closes the connection on a text frame', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    await new Promise((r) => ws.once('open', r));
    const closeCode = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('{"t":"req"}');
    expect(await closeCode).toBe(1003);
  });
});

describe('authentication', () => {
  it('refuses HTTP without a token, with a wrong token, and with a wrong cookie', async () => {
    for (const path of ['/', '/assets/app.js', `/?token=${'0'.repeat(64)}`, '/?token=']) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(401);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    }
    const wrongCookie = await rawGet('/assets/app.js', { Cookie: `dataset_health_session_${server.port}=${'f'.repeat(64)}` });
    expect(wrongCookie.status).toBe(401);
  });

  it('serves index.html for the token URL and sets a strict HttpOnly session cookie', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe(INDEX_HTML);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('lets the page load its assets with the cookie alone', async () => {
    const cookie = (await fetch(server.url)).headers.get('set-cookie')?.split(';')[0] ?? '';
    const res = await rawGet('/assets/app.js', { Cookie: `other=1; ${cookie}` });
    expect(res.status).toBe(200);
    expect(res.body).toBe('console.log(1)');
  });

  it('refuses WebSocket upgrades without a token or with a wrong one', async () => {
    const api = `ws://127.0.0.1:${server.port}/api`;
    expect(await upgradeStatus(api)).toBe(401);
    expect(await upgradeStatus(`${api}?token=abc`)).toBe(401);
    expect(await upgradeStatus(`${api}?token=${server.token}`)).toBe(101);
  });

  it('accepts a WebSocket upgrade carrying the session cookie', async () => {
    const cookie = `dataset_health_session_${server.port}=${server.token}`;
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/api`, { Cookie: cookie })).toBe(101);
  });

  it('refuses WebSocket upgrades from another origin even with the token', async () => {
    const api = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
    expect(await upgradeStatus(api, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(api, { Origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await upgradeStatus(api, { Origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await upgradeStatus(api, { Origin: `http://localhost:${server.port}` })).toBe(101);
  });

  it('refuses upgrades on paths other than /api', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(404);
  });

  it('generates a 64-hex-digit token by default and puts it in the URL', () => {
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.url).toBe(`${base()}/?token=${server.token}`);
  });
});

describe('static files', () => {
  const withToken = (path: string) => `${path}?token=${server.token}`;

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8'],
    ['/assets/app.css', 'text/css; charset=utf-8'],
    ['/assets/zstd.wasm', 'application/wasm'],
    ['/assets/icon.svg', 'image/svg+xml'],
  ])('serves %s as %s', async (path, type) => {
    const res = await fetch(`${base()}${withToken(path)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
  });

  it('serves binary files byte-exactly', async () => {
    const res = await fetch(`${base()}${withToken('/assets/zstd.wasm')}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(WASM_BYTES)).toBe(true);
  });

  it('answers 404 for missing files and directories', async () => {
    expect((await rawGet(withToken('/assets/none.js'))).status).toBe(404);
    expect((await rawGet(withToken('/assets'))).status).toBe(404);
  });

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets%2f..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00'])(
    'blocks path traversal: %s',
    async (path) => {
      const res = await rawGet(withToken(path));
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('SECRET');
    },
  );

  it('refuses methods other than GET and HEAD', async () => {
    const res = await fetch(`${base()}${withToken('/')}`, { method: 'POST' });
    expect(res.status).toBe(405);
  });
});

describe('start failure', () => {
  it('rejects when the port is taken, leaving no engine subscription behind', async () => {
    const own = createFakeEngine();
    await expect(startServer({ engine: own, staticDir, port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(own.listenerCount()).toBe(0);
  });
});

describe('close', () => {
  it('stops forwarding events, closes sockets, and releases the port', async () => {
    const own = createFakeEngine();
    const running = await startServer({ engine: own, staticDir, token: 'fixed-token' });
    expect(running.url).toContain('?token=fixed-token');
    const client = createClient(createWebSocketTransport(new WebSocket(`ws://127.0.0.1:${running.port}/api?token=fixed-token`)));
    await client.call('app.info', {});
    expect(own.listenerCount()).toBe(1);
    await running.close();
    expect(own.listenerCount()).toBe(0);
    await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'transport' });
    await expect(fetch(`http://127.0.0.1:${running.port}/`)).rejects.toThrow();
  });
});
