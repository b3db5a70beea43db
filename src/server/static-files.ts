/** Serves the built renderer: safe path resolution, content types, 404s. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `rootDir`, or null when the path is malformed or would leave the root
 * (`..`, encoded `%2e%2e%2f`, backslashes, NUL bytes). `/` names index.html.
 */
export function resolveStaticPath(rootDir: string, urlPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const full = resolve(root, relative);
  return full.startsWith(root + sep) ? full : null;
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Streams the file at `urlPathname` under `rootDir`, or answers 404. `extraHeaders` go on a successful answer. */
export async function serveStaticFile(
  res: ServerResponse,
  rootDir: string,
  urlPathname: string,
  options: { headOnly: boolean; extraHeaders?: Record<string, string> },
): Promise<void> {
  const filePath = resolveStaticPath(rootDir, urlPathname);
  const stats = filePath === null ? null : await stat(filePath).catch(() => null);
  if (filePath === null || stats === null || !stats.isFile()) {
    sendText(res, 404, 'Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentTypeFor(filePath),
    'Content-Length': stats.size,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the session token: never leak it to other origins through Referer.
    'Referrer-Policy': 'no-referrer',
    // Assets are rebuilt in place under stable names in development; always revalidate.
    'Cache-Control': 'no-cache',
    ...options.extraHeaders,
  });
  if (options.headOnly) {
    res.end();
    return;
  }
  const stream = createReadStream(filePath);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
