/**
 * Test helper: a local stand-in for huggingface.co and its CDN (two node:http servers), serving files in the same
 * URL layout, `/{repo}/resolve/{revision}/{path}`, with the same headers: large ("LFS") files answer with a 302 to
 * the CDN carrying X-Linked-Etag (sha256) and X-Linked-Size; small files answer 200 with a git-blob sha1 ETag.
 * Both honour Range. Faults can be injected per path: a connection closed mid-file, a wrong X-Linked-Etag, Range
 * ignored, server errors.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFile {
  content: Uint8Array;
  /** Served like a Git LFS file: redirect to the CDN with X-Linked-* headers. */
  lfs?: boolean;
}

export interface HubFaults {
  /** Close the connection after this many body bytes, for the next `times` requests of the file. */
  dropAfterBytes?: { bytes: number; times: number };
  /** Announce this sha256 instead of the real one. */
  wrongSha256?: string;
  /** Announce this git sha1 instead of the real one (small files). */
  wrongGitSha1?: string;
  /** Answer Range requests with the whole file (200). */
  ignoreRange?: boolean;
  /** Answer the next `times` requests with HTTP 503. */
  failTimes?: number;
  /** Send no checksum, as a mirror or proxy that drops the headers would: no X-Linked-Etag, an opaque ETag. */
  noDigest?: boolean;
}

export interface FakeHub {
  /** Base URL to pass as the endpoint, e.g. http://127.0.0.1:1234 */
  endpoint: string;
  /** Every request: which server, path, Range header and status (Accept-Encoding of the requests that got a body). */
  log: { server: 'hub' | 'cdn'; path: string; range: string | null; status: number; acceptEncoding?: string }[];
  setFile(repo: string, revision: string, path: string, file: HubFile): void;
  faults: Map<string, HubFaults>;
  close(): Promise<void>;
}

const DROP_DELAY_MS = 100;

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const gitSha1Of = (bytes: Uint8Array): string => createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');

export async function startFakeHub(): Promise<FakeHub> {
  const files = new Map<string, HubFile>();
  const faults = new Map<string, HubFaults>();
  const log: FakeHub['log'] = [];
  const blobsBySha = new Map<string, { key: string; content: Uint8Array }>();

  const serveBytes = (server: 'hub' | 'cdn', key: string, content: Uint8Array, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void => {
    const fault = faults.get(key) ?? {};
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    let status = 200;
    if (range && !fault.ignoreRange) {
      start = Number(range[1]);
      if (start >= content.byteLength) {
        log.push({ server, path: req.url ?? '', range: req.headers.range ?? null, status: 416 });
        res.writeHead(416, { 'Content-Range': `bytes */${content.byteLength}` }).end();
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${content.byteLength - 1}/${content.byteLength}`;
    }
    const body = content.subarray(start);
    log.push({ server, path: req.url ?? '', range: req.headers.range ?? null, status, acceptEncoding: req.headers['accept-encoding'] ?? '' });
    res.writeHead(status, { ...headers, 'Content-Length': String(body.byteLength), 'Accept-Ranges': 'bytes' });
    const drop = fault.dropAfterBytes;
    if (drop && drop.times > 0) {
      drop.times--;
      // The connection is destroyed mid-body a moment after these bytes are flushed. The pause lets the client
      // read them first: a body stream that errors discards the chunks still queued in it, which would make how
      // many bytes survive a drop a matter of timing.
      res.write(body.subarray(0, drop.bytes), () => setTimeout(() => res.socket?.destroy(), DROP_DELAY_MS));
      return;
    }
    res.end(body);
  };

  const failIfAsked = (server: 'hub' | 'cdn', key: string, req: IncomingMessage, res: ServerResponse): boolean => {
    const fault = faults.get(key);
    if (!fault?.failTimes) return false;
    fault.failTimes--;
    log.push({ server, path: req.url ?? '', range: req.headers.range ?? null, status: 503 });
    res.writeHead(503).end('busy');
    return true;
  };

  let cdnBase = '';
  const cdn = createServer((req, res) => {
    const sha = /^\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? '')?.[1];
    const blob = sha === undefined ? undefined : blobsBySha.get(sha);
    if (!blob) {
      res.writeHead(404).end();
      return;
    }
    if (failIfAsked('cdn', blob.key, req, res)) return;
    serveBytes('cdn', blob.key, blob.content, req, res, { ETag: '"cdn-opaque-etag"' });
  });
  const hub = createServer((req, res) => {
    const key = /^\/(.+?\/.+?)\/resolve\/(.+?)\/(.+)$/.exec(decodeURI(req.url ?? ''))?.slice(1).join('|');
    const file = key === undefined ? undefined : files.get(key);
    if (key === undefined || !file) {
      log.push({ server: 'hub', path: req.url ?? '', range: req.headers.range ?? null, status: 404 });
      res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    if (failIfAsked('hub', key, req, res)) return;
    const fault = faults.get(key) ?? {};
    if (file.lfs) {
      const sha = sha256Of(file.content);
      const announced = fault.wrongSha256 ?? sha;
      log.push({ server: 'hub', path: req.url ?? '', range: req.headers.range ?? null, status: 302 });
      const digest = fault.noDigest ? { ETag: '"proxy-etag"' } : { 'X-Linked-Etag': `"${announced}"`, ETag: `"${announced}"` };
      res
        .writeHead(302, { Location: `${cdnBase}/blobs/${sha}`, 'X-Linked-Size': String(file.content.byteLength), ...digest })
        .end();
      return;
    }
    serveBytes('hub', key, file.content, req, res, { ETag: fault.noDigest ? '"proxy-etag"' : `"${fault.wrongGitSha1 ?? gitSha1Of(file.content)}"` });
  });
  const listen = (server: Server): Promise<string> =>
    new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  cdnBase = await listen(cdn);
  const endpoint = await listen(hub);

  return {
    endpoint,
    log,
    faults,
    setFile(repo, revision, path, file) {
      const key = [repo, revision, path].join('|');
      files.set(key, file);
      if (file.lfs) blobsBySha.set(sha256Of(file.content), { key, content: file.content });
    },
    async close() {
      for (const server of [hub, cdn]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
