/**
 * Downloads one file the way Hugging Face serves it, resumably and verified:
 *
 * - `${url}` answers a large (LFS) file with a redirect to a CDN; that first response carries `X-Linked-Etag` (the
 *   file's sha256) and `X-Linked-Size`, which the CDN's response does not, so redirects are followed by hand.
 *   A small file comes straight back with a git-blob sha1 as its `ETag`.
 * - Bytes go to `<dest>.part`; a later attempt asks for the rest with `Range` (206 appends, 200 starts over, 416
 *   means the part is complete or stale).
 * - The finished part is hashed and compared with what the server reported (and with the catalogue's sha256 when it
 *   lists one); only then is it renamed to `<dest>`. A server that reports no checksum (a mirror or proxy that drops
 *   the headers) is refused unless the catalogue lists the sha256: unverified bytes never count as a model file.
 * - `<dest>.part.lock` (created exclusively, naming its process) keeps two processes from writing one part; a lock
 *   whose process is gone is taken over.
 *   A dropped connection is retried with backoff and resumes; a wrong checksum deletes the part; a full disk keeps
 *   the part (a `.part` never counts as a model file) and says how much space is missing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { z } from 'zod';
import { isDiskFull, ModelDownloadError, networkErrorCode, OFFLINE_ADVICE } from './download-errors.js';

export type WriteChunk = (file: FileHandle, chunk: Uint8Array) => Promise<void>;

export interface DownloadFileOptions {
  url: string;
  destPath: string;
  signal?: AbortSignal;
  /** Bytes of this file on disk so far (resumed bytes included) and its size when known. */
  onBytes?: (bytes: number, totalBytes: number | null) => void;
  /** For tests: a fetch to use instead of the global one. */
  fetch?: typeof fetch;
  /** For tests: how a chunk reaches the disk (e.g. one that fails with ENOSPC). */
  writeChunk?: WriteChunk;
  /** Further attempts after a dropped connection or a server error; default 4. */
  retries?: number;
  /** The first retry waits this long, each further one twice as long; default 1000. */
  backoffMs?: number;
  /** Named in disk-full messages; default the destination's folder. */
  cacheDir?: string;
  /** The file's sha256 as the catalogue lists it: checked as well as the server's, and enough when the server sends none. */
  expectedSha256?: string;
}

export interface DownloadedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** What the server says the file should be. */
interface ExpectedDigest {
  sha256: string | null;
  gitSha1: string | null;
  bytes: number | null;
}

const MAX_REDIRECTS = 10;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX40 = /^[0-9a-f]{40}$/;

const defaultWrite: WriteChunk = async (file, chunk) => {
  await file.write(chunk);
};

export async function downloadFile(options: DownloadFileOptions): Promise<DownloadedFile> {
  const { destPath, signal } = options;
  const partPath = `${destPath}.part`;
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 1000;
  await mkdir(dirname(destPath), { recursive: true });
  const release = await lockPart(partPath, destPath);
  try {
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await attemptDownload(options, partPath);
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        const retryable = error instanceof ModelDownloadError ? error.retryable : false;
        if (!retryable || attempt >= retries) {
          if (error instanceof ModelDownloadError && error.retryable) {
            throw new ModelDownloadError(error.code, `${error.message} (gave up after ${attempt + 1} attempts)`, false, { cause: error });
          }
          throw error;
        }
        await sleep(backoffMs * 2 ** attempt, signal);
      }
    }
  } finally {
    await release();
  }
}

/** A lock whose owner cannot be checked (written by another machine) counts as abandoned after this long. */
const FOREIGN_LOCK_STALE_MS = 24 * 60 * 60 * 1000;
/** A lock that names no owner (its writer died between creating and writing it) counts as abandoned after this long. */
const UNREADABLE_LOCK_STALE_MS = 60 * 1000;

const LockOwnerSchema = z.object({ pid: z.number().int().positive(), host: z.string(), startedAt: z.string() });

/**
 * Takes `<part>.lock` with an exclusive create, so that a second process downloading the same file fails instead
 * of appending to the same part. Returns the function that releases it.
 */
async function lockPart(partPath: string, destPath: string): Promise<() => Promise<void>> {
  const lockPath = `${partPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(lockPath, 'wx');
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    if (handle) {
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
      } finally {
        await handle.close();
      }
      return () => rm(lockPath, { force: true });
    }
    const holder = await readLockHolder(lockPath);
    if (holder.live) {
      throw new ModelDownloadError('busy', `${destPath} is already downloading (${holder.who}); wait for that download to finish, or delete ${lockPath} if no download is running`);
    }
    // Removed only if it is still the stale lock just read: another process may have taken it over meanwhile.
    if ((await readFile(lockPath, 'utf8').catch(() => null)) === holder.text) await rm(lockPath, { force: true });
  }
  throw new ModelDownloadError('busy', `${destPath} is already downloading: another process took ${lockPath} first`);
}

async function readLockHolder(lockPath: string): Promise<{ live: boolean; who: string; text: string | null }> {
  const text = await readFile(lockPath, 'utf8').catch(() => null);
  if (text === null) return { live: false, who: 'lock gone', text }; // released meanwhile: try again
  let owner: z.infer<typeof LockOwnerSchema> | undefined;
  try {
    owner = LockOwnerSchema.parse(JSON.parse(text));
  } catch {
    owner = undefined;
  }
  const ageMs = Date.now() - ((await stat(lockPath).catch(() => null))?.mtimeMs ?? 0);
  if (!owner) return { live: ageMs < UNREADABLE_LOCK_STALE_MS, who: `${lockPath} names no process`, text };
  const who = `process ${owner.pid} on ${owner.host}, since ${owner.startedAt}`;
  if (owner.host !== hostname()) return { live: ageMs < FOREIGN_LOCK_STALE_MS, who, text };
  return { live: processIsAlive(owner.pid), who, text };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 checks existence without signalling
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM'; // it exists, under another user
  }
}

async function attemptDownload(options: DownloadFileOptions, partPath: string): Promise<DownloadedFile> {
  const { url, destPath, signal } = options;
  const partBytes = (await stat(partPath).catch(() => null))?.size ?? 0;
  const { response, expected } = await openFollowingRedirects(options, partBytes);

  let offset: number;
  if (response.status === 416) {
    await response.body?.cancel();
    if (expected.bytes !== null && partBytes === expected.bytes && hasDigest(expected, options)) return verifyAndPublish(partPath, destPath, expected, options);
    // The part is larger than the file or the server will not say: start over.
    await rm(partPath, { force: true });
    throw new ModelDownloadError('interrupted', `${url}: the server refused to resume (HTTP 416); starting over`, true);
  } else if (response.status === 206) {
    const start = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
    if (start === undefined || Number(start) !== partBytes) {
      await response.body?.cancel();
      await rm(partPath, { force: true });
      throw new ModelDownloadError('interrupted', `${url}: the server resumed at byte ${start ?? '?'} instead of ${partBytes}; starting over`, true);
    }
    offset = partBytes;
    const total = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1] ?? NaN);
    if (Number.isSafeInteger(total)) expected.bytes ??= total;
  } else if (response.status === 200) {
    offset = 0;
  } else {
    await response.body?.cancel();
    const retryable = response.status >= 500 || response.status === 429;
    const hint = response.status === 404 ? ' (no such file at that revision)' : response.status === 401 || response.status === 403 ? ' (the repository needs a login or does not exist)' : '';
    throw new ModelDownloadError('http', `${url}: HTTP ${response.status}${hint}`, retryable);
  }

  if (!hasDigest(expected, options)) {
    await response.body?.cancel();
    throw new ModelDownloadError(
      'unverified',
      `${url}: the server gave no checksum (no X-Linked-Etag, and no ETag holding the file's sha256 or git blob sha1), so the download cannot be verified and was refused. Set HF_ENDPOINT to a mirror that passes Hugging Face's headers on, or download the model on another machine and import it: \`dataset-health models import PATH\`.`,
    );
  }
  const totalBytes = expected.bytes ?? contentLengthTotal(response, offset);
  if (!response.body) throw new ModelDownloadError('interrupted', `${url}: the response has no body`, true);
  const write = options.writeChunk ?? defaultWrite;
  const file = await open(partPath, offset === 0 ? 'w' : 'a');
  let bytes = offset;
  options.onBytes?.(bytes, totalBytes);
  try {
    for await (const chunk of response.body) {
      signal?.throwIfAborted();
      try {
        await write(file, chunk);
      } catch (error) {
        if (!isDiskFull(error)) throw error;
        const cacheDir = options.cacheDir ?? dirname(destPath);
        const needed = totalBytes === null ? 'the rest of the file' : `${totalBytes - bytes} more bytes`;
        throw new ModelDownloadError('disk-full', `The disk holding the model cache ${cacheDir} is full: ${destPath} needs ${needed}. Free some space and download again (it resumes), or set DATASET_HEALTH_DATA_DIR to a bigger disk.`, false, { cause: error });
      }
      bytes += chunk.byteLength;
      options.onBytes?.(bytes, totalBytes);
    }
  } catch (error) {
    if (signal?.aborted || error instanceof ModelDownloadError) throw error;
    throw new ModelDownloadError('interrupted', `${url}: the connection dropped at ${bytes}${totalBytes === null ? '' : ` of ${totalBytes}`} bytes (${describe(error)})`, true, { cause: error });
  } finally {
    await file.close();
  }
  if (totalBytes !== null && bytes < totalBytes) {
    throw new ModelDownloadError('interrupted', `${url}: the download ended at ${bytes} of ${totalBytes} bytes`, true);
  }
  return verifyAndPublish(partPath, destPath, expected, options);
}

/** Whether the finished file can be checked against something: the server's hash or the catalogue's. */
function hasDigest(expected: ExpectedDigest, options: DownloadFileOptions): boolean {
  return expected.sha256 !== null || expected.gitSha1 !== null || options.expectedSha256 !== undefined;
}

/** Sends the request (with Range when resuming) and follows redirects by hand, collecting Hugging Face's headers. */
async function openFollowingRedirects(options: DownloadFileOptions, partBytes: number): Promise<{ response: Response; expected: ExpectedDigest }> {
  const doFetch = options.fetch ?? fetch;
  const origin = new URL(options.url).origin;
  const expected: ExpectedDigest = { sha256: null, gitSha1: null, bytes: null };
  let current = options.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      // identity: byte offsets (Range) and Content-Length must count the file's own bytes, not a compressed stream's.
      const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...(partBytes > 0 ? { Range: `bytes=${partBytes}-` } : {}) };
      response = await doFetch(current, { redirect: 'manual', headers, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const code = networkErrorCode(error);
      const host = new URL(current).host;
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        throw new ModelDownloadError('offline', `Cannot reach ${host} (${code}): this machine seems to be offline. ${OFFLINE_ADVICE}`);
      }
      throw new ModelDownloadError('offline', `Cannot reach ${host} (${code ?? describe(error)}). ${OFFLINE_ADVICE}`, true, { cause: error });
    }
    const linkedEtag = normaliseEtag(response.headers.get('x-linked-etag'));
    if (linkedEtag !== null && HEX64.test(linkedEtag)) expected.sha256 ??= linkedEtag;
    const linkedSize = Number(response.headers.get('x-linked-size') ?? NaN);
    if (Number.isSafeInteger(linkedSize) && linkedSize >= 0) expected.bytes ??= linkedSize;

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).href;
      continue;
    }
    // A CDN's ETag is its own business; the model server's ETag is the file's hash (git sha1, or sha256 for LFS).
    if (new URL(current).origin === origin && (response.status === 200 || response.status === 206)) {
      const etag = normaliseEtag(response.headers.get('etag'));
      if (etag !== null && HEX64.test(etag)) expected.sha256 ??= etag;
      else if (etag !== null && HEX40.test(etag)) expected.gitSha1 ??= etag;
    }
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    if (response.status === 200 && !encoded) {
      const length = Number(response.headers.get('content-length') ?? NaN);
      if (Number.isSafeInteger(length)) expected.bytes ??= length;
    }
    return { response, expected };
  }
  throw new ModelDownloadError('http', `${options.url}: more than ${MAX_REDIRECTS} redirects`);
}

async function verifyAndPublish(partPath: string, destPath: string, expected: ExpectedDigest, options: DownloadFileOptions): Promise<DownloadedFile> {
  const { url, expectedSha256 } = options;
  const bytes = (await stat(partPath)).size;
  if (expected.bytes !== null && bytes !== expected.bytes) {
    await rm(partPath, { force: true });
    throw new ModelDownloadError('checksum', `${destPath}: downloaded ${bytes} bytes but the server announced ${expected.bytes}; the file was deleted`);
  }
  // Hashing re-reads the finished part rather than hashing on the fly: a resumed download's first bytes came from
  // an earlier run, and the git-blob sha1 needs the size up front.
  const { sha256, gitSha1 } = await hashFile(partPath, bytes);
  const mismatch =
    expected.sha256 !== null && sha256 !== expected.sha256
      ? `sha256 ${sha256}, but the server reports ${expected.sha256}`
      : expected.gitSha1 !== null && gitSha1 !== expected.gitSha1
        ? `git blob sha1 ${gitSha1}, but the server reports ${expected.gitSha1}`
        : expectedSha256 !== undefined && sha256 !== expectedSha256
          ? `sha256 ${sha256}, but the catalogue lists ${expectedSha256}`
          : null;
  if (mismatch !== null) {
    await rm(partPath, { force: true });
    throw new ModelDownloadError('checksum', `${destPath}: wrong checksum: the downloaded file has ${mismatch} (from ${url}); the file was deleted`);
  }
  await rename(partPath, destPath);
  return { path: destPath, bytes, sha256 };
}

/** sha256 of the content, and git's blob id (sha1 of `blob <size>\0` + content), in one read. */
export async function hashFile(path: string, bytes?: number): Promise<{ sha256: string; gitSha1: string }> {
  const size = bytes ?? (await stat(path)).size;
  const sha256 = createHash('sha256');
  const gitSha1 = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    gitSha1.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), gitSha1: gitSha1.digest('hex') };
}

function normaliseEtag(value: string | null): string | null {
  if (value === null) return null;
  return value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

function contentLengthTotal(response: Response, offset: number): number | null {
  if ((response.headers.get('content-encoding') ?? 'identity') !== 'identity') return null;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) ? offset + length : null;
}

function describe(error: unknown): string {
  const code = networkErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
