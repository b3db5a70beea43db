import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelDownloadError } from './download-errors.js';
import { downloadFile, hashFile, type WriteChunk } from './download-file.js';
import { startFakeHub, type FakeHub } from './test-helpers/fake-hub.js';

const REPO = 'owner/model';
const REV = 'abc123';
const big = randomBytes(300_000);
const small = Buffer.from('{"projection_dim": 512}\n');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const key = (path: string): string => `${REPO}|${REV}|${path}`;

let hub: FakeHub;
let dir: string;
let n = 0;
const dest = (): string => join(dir, `case-${++n}`, 'onnx', 'file.bin');
const urlOf = (path: string): string => `${hub.endpoint}/${REPO}/resolve/${REV}/${path}`;
const fast = { backoffMs: 5 };

beforeAll(async () => {
  hub = await startFakeHub();
  dir = await mkdtemp(join(tmpdir(), 'download-file-'));
  hub.setFile(REPO, REV, 'onnx/big.onnx', { content: big, lfs: true });
  hub.setFile(REPO, REV, 'config.json', { content: small });
});
afterEach(() => {
  hub.faults.clear();
  hub.log.length = 0;
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('hashFile', () => {
  it('gives the sha256 and the id git gives the blob (git hash-object)', async () => {
    const file = join(dir, 'hello.txt');
    await writeFile(file, 'hello\n');
    expect(await hashFile(file)).toEqual({ sha256: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03', gitSha1: 'ce013625030ba8dba906f756967f9e9ca394464a' });
  });
});

describe('downloadFile', () => {
  it('follows the LFS redirect, verifies the X-Linked-Etag sha256 and reports progress in bytes', async () => {
    const path = dest();
    const progress: number[] = [];
    const result = await downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path, onBytes: (bytes, total) => {
      expect(total).toBe(big.byteLength);
      progress.push(bytes);
    } });
    expect(result).toEqual({ path, bytes: big.byteLength, sha256: sha256(big) });
    expect(await readFile(path)).toEqual(big);
    expect(progress.at(-1)).toBe(big.byteLength);
    expect(hub.log.map((r) => `${r.server} ${r.status}`)).toEqual(['hub 302', 'cdn 200']);
    expect(hub.log[1]?.acceptEncoding).toBe('identity'); // offsets and sizes count the file's own bytes
    expect(await readdir(join(path, '..'))).toEqual(['file.bin']); // no .part left
  });

  it('verifies a small file against its git-blob sha1 ETag', async () => {
    const path = dest();
    await downloadFile({ url: urlOf('config.json'), destPath: path });
    expect(await readFile(path)).toEqual(small);
    hub.faults.set(key('config.json'), { wrongGitSha1: 'f'.repeat(40) });
    const bad = dest();
    await expect(downloadFile({ url: urlOf('config.json'), destPath: bad })).rejects.toThrow(`${bad}: wrong checksum: the downloaded file has git blob sha1 `);
    await expect(stat(bad)).rejects.toThrow();
  });

  it('resumes with Range after the connection drops mid-file', async () => {
    hub.faults.set(key('onnx/big.onnx'), { dropAfterBytes: { bytes: 100_000, times: 2 } });
    const path = dest();
    const result = await downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path, ...fast });
    expect(result.sha256).toBe(sha256(big));
    const cdnRequests = hub.log.filter((r) => r.server === 'cdn');
    expect(cdnRequests).toHaveLength(3);
    expect(cdnRequests[0]).toMatchObject({ range: null, status: 200 });
    // The last attempt asked only for the bytes still missing.
    expect(cdnRequests[2]).toMatchObject({ range: expect.stringMatching(/^bytes=[1-9]\d*-$/), status: 206 });
  });

  it('gives up after its retries with a message naming the file, and resumes on a later call', async () => {
    hub.faults.set(key('onnx/big.onnx'), { dropAfterBytes: { bytes: 50_000, times: 2 } });
    const path = dest();
    const attempt = downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path, retries: 1, ...fast });
    const error = (await attempt.then(() => new Error('expected a failure'), (e: unknown) => e)) as Error;
    // Chunks still unread when the stream errors may be lost, so the exact count varies; the part holds what arrived.
    const kept = Number(/onnx\/big\.onnx: the connection dropped at (\d+) of 300000 bytes .*\(gave up after 2 attempts\)$/.exec(error.message)?.[1]);
    expect(kept).toBeGreaterThan(0);
    expect((await stat(`${path}.part`)).size).toBe(kept);
    await expect(stat(path)).rejects.toThrow(); // nothing under the final name
    await downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path, ...fast });
    expect(await readFile(path)).toEqual(big);
    expect(hub.log.filter((r) => r.server === 'cdn').at(-1)?.range).toBe(`bytes=${kept}-`);
  });

  it('starts over when the server ignores Range, and finishes a complete part on 416', async () => {
    const path = dest();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.part`, big.subarray(0, 1000));
    hub.faults.set(key('onnx/big.onnx'), { ignoreRange: true });
    await downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path });
    expect(await readFile(path)).toEqual(big);

    const complete = dest();
    await mkdir(dirname(complete), { recursive: true });
    await writeFile(`${complete}.part`, big);
    hub.faults.clear();
    hub.log.length = 0;
    await downloadFile({ url: urlOf('onnx/big.onnx'), destPath: complete });
    expect(await readFile(complete)).toEqual(big);
    expect(hub.log.at(-1)?.status).toBe(416);
  });

  it('deletes a file whose sha256 differs from X-Linked-Etag and names both hashes', async () => {
    const wrong = 'a'.repeat(64);
    hub.faults.set(key('onnx/big.onnx'), { wrongSha256: wrong });
    const path = dest();
    const attempt = downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path });
    await expect(attempt).rejects.toThrow(`${path}: wrong checksum: the downloaded file has sha256 ${sha256(big)}, but the server reports ${wrong}`);
    await expect(attempt).rejects.toMatchObject({ code: 'checksum' });
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('stops on a full disk with the cache folder and the bytes still needed, leaving only a .part', async () => {
    let written = 0;
    const writeChunk: WriteChunk = async (file, chunk) => {
      if (written + chunk.byteLength > 120_000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      written += chunk.byteLength;
      await file.write(chunk);
    };
    const path = dest();
    const attempt = downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path, writeChunk, cacheDir: dir });
    await expect(attempt).rejects.toThrow(new RegExp(`^The disk holding the model cache ${dir} is full: ${path} needs ${big.byteLength - written} more bytes`));
    await expect(attempt).rejects.toMatchObject({ code: 'disk-full' });
    expect(await readdir(join(path, '..'))).toEqual(['file.bin.part']);
  });

  it('retries server errors, and reports a missing file without retrying', async () => {
    hub.faults.set(key('config.json'), { failTimes: 2 });
    await downloadFile({ url: urlOf('config.json'), destPath: dest(), ...fast });
    expect(hub.log.map((r) => r.status)).toEqual([503, 503, 200]);
    hub.log.length = 0;
    await expect(downloadFile({ url: urlOf('nope.json'), destPath: dest(), ...fast })).rejects.toThrow(/nope\.json: HTTP 404 \(no such file at that revision\)$/);
    expect(hub.log).toHaveLength(1);
  });

  it('explains how to import instead when the server cannot be reached', async () => {
    const closed = await startFakeHub();
    await closed.close();
    const attempt = downloadFile({ url: `${closed.endpoint}/${REPO}/resolve/${REV}/config.json`, destPath: dest(), retries: 1, ...fast });
    await expect(attempt).rejects.toThrow(/^Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. On a machine without internet access, .*dataset-health models import PATH/);
    await expect(attempt).rejects.toBeInstanceOf(ModelDownloadError);
  });

  describe('refuses bytes it cannot verify', () => {
    it('when the server sends no checksum, naming the URL and what to do', async () => {
      for (const file of ['onnx/big.onnx', 'config.json']) {
        hub.faults.set(key(file), { noDigest: true });
        const path = dest();
        const attempt = downloadFile({ url: urlOf(file), destPath: path, ...fast });
        await expect(attempt).rejects.toThrow(`${urlOf(file)}: the server gave no checksum (no X-Linked-Etag, and no ETag holding the file's sha256 or git blob sha1), so the download cannot be verified and was refused. Set HF_ENDPOINT to a mirror`);
        await expect(attempt).rejects.toMatchObject({ code: 'unverified' });
        await expect(stat(path)).rejects.toThrow();
      }
    });

    it('unless the catalogue lists the sha256, which is checked as well', async () => {
      hub.faults.set(key('onnx/big.onnx'), { noDigest: true });
      const path = dest();
      expect((await downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path, expectedSha256: sha256(big) })).sha256).toBe(sha256(big));
      const wrong = 'b'.repeat(64);
      const bad = dest();
      const attempt = downloadFile({ url: urlOf('onnx/big.onnx'), destPath: bad, expectedSha256: wrong });
      await expect(attempt).rejects.toThrow(`${bad}: wrong checksum: the downloaded file has sha256 ${sha256(big)}, but the catalogue lists ${wrong}`);
      hub.faults.clear();
      await expect(downloadFile({ url: urlOf('onnx/big.onnx'), destPath: dest(), expectedSha256: wrong })).rejects.toThrow('but the catalogue lists');
    });
  });

  describe('one download of a file at a time', () => {
    const lockOf = (path: string): string => `${path}.part.lock`;
    const writeLock = async (path: string, owner: object | string): Promise<void> => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(lockOf(path), typeof owner === 'string' ? owner : JSON.stringify(owner));
    };

    it('fails a second download of the same file while the first runs, and releases the lock after', async () => {
      const path = dest();
      const results = await Promise.allSettled([downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path }), downloadFile({ url: urlOf('onnx/big.onnx'), destPath: path })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'busy', message: expect.stringMatching(new RegExp(`^${path} is already downloading \\(`)) });
      expect(await readFile(path)).toEqual(big);
      expect(await readdir(dirname(path))).toEqual(['file.bin']);
    });

    it('takes over a lock whose process is gone, or that names no process and is old', async () => {
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      const path = dest();
      await writeLock(path, { pid: gone, host: hostname(), startedAt: '2026-01-01T00:00:00Z' });
      await downloadFile({ url: urlOf('config.json'), destPath: path });
      expect(await readdir(dirname(path))).toEqual(['file.bin']);

      const garbled = dest();
      await writeLock(garbled, 'not json');
      await expect(downloadFile({ url: urlOf('config.json'), destPath: garbled })).rejects.toMatchObject({ code: 'busy' }); // maybe still being written
      const old = new Date(Date.now() - 10 * 60 * 1000);
      await utimes(lockOf(garbled), old, old);
      await downloadFile({ url: urlOf('config.json'), destPath: garbled });
      expect(await readFile(garbled)).toEqual(small);
    });

    it('respects a lock held by a live process or another machine', async () => {
      const path = dest();
      await writeLock(path, { pid: process.pid, host: hostname(), startedAt: '2026-01-01T00:00:00Z' });
      await expect(downloadFile({ url: urlOf('config.json'), destPath: path })).rejects.toThrow(`${path} is already downloading (process ${process.pid} on ${hostname()}, since 2026-01-01T00:00:00Z); wait for that download to finish, or delete ${lockOf(path)} if no download is running`);
      await writeLock(path, { pid: 1, host: 'other-machine', startedAt: '2026-01-01T00:00:00Z' });
      await expect(downloadFile({ url: urlOf('config.json'), destPath: path })).rejects.toMatchObject({ code: 'busy' });
      expect(hub.log).toEqual([]); // nothing was fetched
    });
  });

  it('stops when cancelled and keeps the part for a resume', async () => {
    const controller = new AbortController();
    const path = dest();
    const attempt = downloadFile({
      url: urlOf('onnx/big.onnx'),
      destPath: path,
      signal: controller.signal,
      onBytes: (bytes) => {
        if (bytes > 0) controller.abort(new Error('cancelled by test'));
      },
    });
    await expect(attempt).rejects.toThrow('cancelled by test');
    await expect(stat(path)).rejects.toThrow();
  });
});
