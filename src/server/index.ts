/**
 * Browser-mode host: serves the built renderer and the engine's API (WebSocket at /api) on the loopback
 * interface, behind a random session token that the printed URL carries.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { EngineHost } from '../shared/api/engine.js';
import { authenticate, generateSessionToken, sessionCookie, sessionCookieName } from './auth.js';
import { createSocketHost } from './socket-host.js';
import { sendText, serveStaticFile } from './static-files.js';

export interface StartServerOptions {
  engine: EngineHost;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to bind; loopback unless you mean to expose the engine to your network. */
  host?: string;
  /** The built renderer (`out/renderer`). */
  staticDir: string;
  /** Session token; default: 32 random bytes, hex. */
  token?: string;
}

export interface RunningServer {
  /** Where to open the app; includes `?token=`. */
  url: string;
  port: number;
  token: string;
  /** Closes sockets and the listener. The engine stays open: whoever created it closes it. */
  close(): Promise<void>;
}

export const API_PATH = '/api';

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The origins a page served by this server can have; a WebSocket from any other origin is cross-site. */
function ownOrigins(host: string, port: number): Set<string> {
  const origins = new Set([`http://${hostForUrl(host)}:${port}`]);
  if (host === '127.0.0.1' || host === '::1') origins.add(`http://localhost:${port}`);
  return origins;
}

function parseRequestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://server.invalid');
  } catch {
    return null;
  }
}

/** Refuses an upgrade with a plain HTTP answer, then drops the socket. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? generateSessionToken();
  const socketHost = createSocketHost(options.engine);
  const wss = new WebSocketServer({ noServer: true });
  // Known once listening (the port may be random); requests cannot arrive before that.
  let cookieName = '';
  let origins = new Set<string>();

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = parseRequestUrl(req);
    if (url === null) return sendText(res, 400, 'Bad request');
    const auth = authenticate(req, url, token, cookieName);
    if (auth === null) return sendText(res, 401, 'Unauthorized: open the URL the server printed (it carries ?token=).');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    // The token arrived in the URL: hand the page a cookie so its own asset requests (no query) pass too.
    const extraHeaders: Record<string, string> = auth === 'query' ? { 'Set-Cookie': sessionCookie(cookieName, token) } : {};
    if (url.pathname === '/') extraHeaders['Cache-Control'] = 'no-store';
    serveStaticFile(res, options.staticDir, url.pathname, { headOnly: req.method === 'HEAD', extraHeaders }).catch((err: unknown) => {
      console.error('dataset-health server: static file failed:', err);
      if (!res.headersSent) sendText(res, 500, 'Internal server error');
      else res.destroy();
    });
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = parseRequestUrl(req);
    if (url === null || url.pathname !== API_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (authenticate(req, url, token, cookieName) === null) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => socketHost.attach(ws));
  }

  const server = createServer(onRequest);
  server.on('upgrade', onUpgrade);
  try {
    await new Promise<void>((resolveListening, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolveListening();
      });
    });
  } catch (err) {
    await socketHost.close(); // drops its engine subscription
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  cookieName = sessionCookieName(port);
  origins = ownOrigins(host, port);

  let closed: Promise<void> | null = null;
  return {
    url: `http://${hostForUrl(host)}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closed ??= (async () => {
        // Stop accepting first; the callback fires once every connection, upgraded sockets included, has ended.
        const listenerClosed = new Promise<void>((resolveClosed) => server.close(() => resolveClosed()));
        await socketHost.close();
        wss.close();
        server.closeAllConnections();
        await listenerClosed;
      })();
      return closed;
    },
  };
}
