import { execFile } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIP_FLOATS_PER_IMAGE, decodeClipRgb, writeNormalisedChw } from './clip-preprocess.js';
import { runPixelChecks } from '../health/pixel-checks.js';
import { DecodePool, decodeChildExecArgv, defaultDecodeProcesses, resolveDecodeChildUrl } from './decode-pool.js';
import { readPixelFile } from './pixel-files.js';

// Counted, not changed: the pool's reads of pixel files show which chunks came through one.
vi.mock('./pixel-files.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./pixel-files.js')>();
  return { ...actual, readPixelFile: vi.fn(actual.readPixelFile) };
});

const STRIDE = CLIP_FLOATS_PER_IMAGE;
let dir: string;
/** Decodable images of every kind the preprocessing treats specially. */
let images: string[];
let corrupt: string;
let pool: DecodePool;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function photo(name: string, width: number, height: number, seed: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * seed + ((i / (width * 3)) | 0) * 7) & 255;
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg().toBuffer();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'decode-pool-'));
  const at = (name: string): string => join(dir, name);
  await writeFile(at('photo.jpg'), await photo('photo', 640, 480, 3));
  await sharp(await photo('r', 300, 200, 5)).withMetadata({ orientation: 6 }).toFile(at('rotated.jpg'));
  await sharp({ create: { width: 90, height: 60, channels: 4, background: { r: 250, g: 20, b: 20, alpha: 0.3 } } }).png().toFile(at('alpha.png'));
  await sharp(Buffer.alloc(50 * 40, 90).map((_, i) => i & 255), { raw: { width: 50, height: 40, channels: 1 } }).png().toFile(at('grey.png'));
  await sharp(await photo('c', 120, 100, 11)).toColourspace('cmyk').jpeg().toFile(at('cmyk.jpg'));
  expect((await sharp(at('cmyk.jpg')).metadata()).space).toBe('cmyk');
  images = ['photo.jpg', 'rotated.jpg', 'alpha.png', 'grey.png', 'cmyk.jpg'].map(at);
  corrupt = at('corrupt.jpg');
  await writeFile(corrupt, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  pool = new DecodePool({ maxProcesses: 2 });
});
afterAll(async () => {
  await pool?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('DecodePool', () => {
  it('gives the same pixels as decoding in this process, as bytes and as normalised floats', async () => {
    const [rgb, floats] = await Promise.all([pool.decode(images, 'rgb-u8'), pool.decode(images, 'clip-f32')]);
    expect(rgb.failures).toEqual([]);
    expect(floats.failures).toEqual([]);
    expect(rgb.pixels).toBeInstanceOf(Uint8Array);
    expect(floats.pixels).toBeInstanceOf(Float32Array);
    for (const [i, path] of images.entries()) {
      const here = await decodeClipRgb(path);
      expect(Buffer.compare(Buffer.from(rgb.pixels.subarray(i * STRIDE, (i + 1) * STRIDE) as Uint8Array), Buffer.from(here)), path).toBe(0);
      const expected = new Float32Array(STRIDE);
      writeNormalisedChw(here, expected, 0);
      expect(floats.pixels.subarray(i * STRIDE, (i + 1) * STRIDE)).toEqual(expected);
    }
  });

  it.runIf(process.platform === 'linux')('hands pixels over in unlinked shared-memory files, and over IPC where it has none, alike', async () => {
    const [pid] = pool.processIds;
    // The pool's processes hold their pixel files after the IPC channel; they are gone from /dev/shm already.
    expect(readlinkSync(`/proc/${pid}/fd/4`)).toMatch(/^\/dev\/shm\/dataset-health-pixels-.* \(deleted\)$/);
    const overIpc = new DecodePool({ maxProcesses: 1, pixelFileDir: null });
    try {
      const chunks = [images, images.slice(1, 3), images.slice(0, 1)]; // a shorter chunk after a longer one
      for (const format of ['rgb-u8', 'clip-f32'] as const) {
        const viaFiles = await Promise.all(chunks.map((chunk) => pool.decode(chunk, format)));
        const viaIpc = await Promise.all(chunks.map((chunk) => overIpc.decode(chunk, format)));
        expect(viaFiles).toEqual(viaIpc);
        expect(viaFiles.map((chunk) => chunk.pixels.length)).toEqual(chunks.map((chunk) => chunk.length * STRIDE));
      }
      const held = readdirSync(`/proc/${overIpc.processIds[0]}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${overIpc.processIds[0]}/fd/${fd}`);
        } catch {
          return ''; // closed meanwhile
        }
      });
      expect(held.filter((target) => target.includes('dataset-health-pixels'))).toEqual([]);
    } finally {
      await overIpc.close();
    }
  });

  it('fails a corrupt or missing image by name and decodes the rest of its chunk', async () => {
    const missing = join(dir, 'missing.jpg');
    const { pixels, failures } = await pool.decode([images[0] as string, corrupt, missing], 'rgb-u8');
    expect(failures.map((f) => f.index)).toEqual([1, 2]);
    expect(failures[0]?.reason).toContain(corrupt);
    expect(failures[1]?.reason).toContain(missing);
    expect(Buffer.from(pixels.subarray(0, STRIDE) as Uint8Array).equals(Buffer.from(await decodeClipRgb(images[0] as string)))).toBe(true);
    expect((pixels.subarray(STRIDE) as Uint8Array).every((v) => v === 0)).toBe(true);
  });

  it('starts processes only for the work queued: one small chunk starts one process', async () => {
    const lazy = new DecodePool({ maxProcesses: 4 });
    try {
      expect(lazy.processIds).toEqual([]);
      await lazy.decode(images.slice(0, 2), 'rgb-u8');
      expect(lazy.processIds).toHaveLength(1);
    } finally {
      await lazy.close();
    }
  });

  it('fails the images of a killed process by name, replaces it, and leaves no process after close', async () => {
    const doomed = new DecodePool({ maxProcesses: 1 });
    await doomed.decode(images.slice(0, 1), 'rgb-u8'); // a ready process
    const [pid] = doomed.processIds;
    const big = Array.from({ length: 40 }, () => images[0] as string);
    const running = doomed.decode(big, 'rgb-u8');
    process.kill(pid as number, 'SIGKILL');
    const { failures } = await running;
    expect(failures).toHaveLength(big.length);
    expect(failures[0]?.reason).toMatch(/Cannot decode image .*photo\.jpg: the decode process exited \(signal SIGKILL\)/);

    const again = await doomed.decode(images.slice(0, 2), 'rgb-u8');
    expect(again.failures).toEqual([]);
    const replacement = doomed.processIds;
    expect(replacement).toHaveLength(1);
    expect(replacement[0]).not.toBe(pid);
    await doomed.close();
    expect(replacement.filter(isAlive)).toEqual([]);
    await expect(doomed.decode(images, 'rgb-u8')).rejects.toThrow(/closed/);
  });

  it("runs the health stage's pixel checks as this process would, naming failed images by their display path", async () => {
    const paths = [...images, corrupt];
    const shown = paths.map((p) => `shown/${basename(p)}`);
    const [there, here] = await Promise.all([pool.check(paths, shown), runPixelChecks(paths, shown)]);
    expect(Array.from(there.stats)).toEqual(Array.from(here.stats));
    expect(there.hashes).toEqual(here.hashes);
    expect(there.contentHashes).toEqual(here.contentHashes);
    // libvips' error text can carry warnings of other decodes in the same process: compared up to its first colon.
    const described = (problems: typeof here.problems) => problems.map((p) => ({ file: p.file, kind: p.kind, message: p.message.split(':')[0] }));
    expect(described(there.problems)).toEqual(described(here.problems));
    expect(there.problems.map((p) => p.file)).toEqual(['shown/corrupt.jpg']);
    expect(there.problems[0]?.message).toMatch(/^shown\/corrupt\.jpg cannot be decoded \(Input buffer has corrupt header/);
    await expect(pool.check(paths, shown.slice(1))).rejects.toThrow(RangeError);
  });

  it("reports a killed process's unchecked images as problems, by name", async () => {
    const doomed = new DecodePool({ maxProcesses: 1 });
    try {
      await doomed.check(images.slice(0, 1), ['warm-up']); // a ready process
      const big = Array.from({ length: 40 }, () => images[0] as string);
      const running = doomed.check(big, big.map((_, i) => `image-${i}.jpg`));
      process.kill(doomed.processIds[0] as number, 'SIGKILL');
      const checks = await running;
      expect(checks.hashes.every((h) => h === null)).toBe(true);
      expect(checks.stats.every((v) => Number.isNaN(v))).toBe(true);
      expect(checks.problems).toHaveLength(big.length);
      expect(checks.problems[7]?.message).toMatch(/^image-7\.jpg cannot be decoded \(the decode process exited \(signal SIGKILL\) while checking its chunk\)/);
    } finally {
      await doomed.close();
    }
  });

  it('rejects cancelled chunks with the abort reason at once and stays usable', async () => {
    const controller = new AbortController();
    const many = Array.from({ length: 24 }, () => images[0] as string);
    const chunks = [0, 1, 2, 3].map(() => pool.decode(many, 'rgb-u8', controller.signal));
    const reason = new Error('user cancelled');
    controller.abort(reason);
    for (const chunk of chunks) await expect(chunk).rejects.toBe(reason);
    await expect(pool.decode(images, 'rgb-u8', controller.signal)).rejects.toBe(reason);
    const readsBefore = vi.mocked(readPixelFile).mock.calls.length;
    const after = await Promise.all([0, 1, 2, 3].map(() => pool.decode(images.slice(0, 1), 'rgb-u8')));
    expect(after.flatMap((chunk) => chunk.failures)).toEqual([]);
    // The cancelled chunks' pixel files were given back: every chunk after them still comes through one.
    if (process.platform === 'linux') expect(vi.mocked(readPixelFile).mock.calls.length - readsBefore).toBe(4);
  });

  it('listens once to a signal shared by many chunks, and lets go of it when they are done', async () => {
    const controller = new AbortController();
    const chunks = Array.from({ length: 24 }, () => pool.decode(images.slice(0, 1), 'rgb-u8', controller.signal));
    // Node warns of a leak past 10 listeners; an analysis shares one signal among hundreds of chunks.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    expect((await Promise.all(chunks)).flatMap((chunk) => chunk.failures)).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    const cancelled = Array.from({ length: 12 }, () => pool.decode(images, 'rgb-u8', controller.signal));
    controller.abort(new Error('stop'));
    for (const chunk of cancelled) await expect(chunk).rejects.toThrow('stop');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not keep its parent alive when left unclosed, and its processes end with the parent', async () => {
    const script = join(dir, 'unclosed.mts');
    const poolModule = pathToFileURL(fileURLToPath(new URL('./decode-pool.ts', import.meta.url))).href;
    await writeFile(
      script,
      `import { DecodePool } from ${JSON.stringify(poolModule)};\n` +
        `const pool = new DecodePool({ maxProcesses: 1 });\n` +
        `await pool.decode([${JSON.stringify(images[0])}], 'rgb-u8');\n` +
        `console.log(pool.processIds[0]);\n`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), script], { timeout: 30_000 });
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
  });

  it('gives up with a clear error, not a hang, when its processes cannot start', async () => {
    const broken = join(dir, 'broken.child.mjs');
    await writeFile(broken, "throw new Error('no sharp here');\n");
    const failing = new DecodePool({ maxProcesses: 1, childUrl: pathToFileURL(broken) });
    try {
      await expect(failing.decode(images, 'rgb-u8')).rejects.toThrow(/Decode processes fail to start .*broken\.child\.mjs.*no sharp here/);
    } finally {
      await failing.close();
    }
  });
});

describe('decode process script and flags', () => {
  it('finds the TypeScript child beside the source and prefers a built one', async () => {
    expect(resolveDecodeChildUrl()?.pathname).toMatch(/src\/core\/decode\/decode\.child\.ts$/);
    const base = pathToFileURL(join(dir, 'index.js')).href;
    expect(resolveDecodeChildUrl(base)).toBeNull();
    await writeFile(join(dir, 'decode.child.js'), '');
    expect(resolveDecodeChildUrl(base)?.pathname).toMatch(/\/decode\.child\.js$/);
  });

  it('loads tsx once for a .ts child and passes the flags through for a .js one', () => {
    const parent = ['--import', 'tsx', '--conditions', 'development'];
    expect(decodeChildExecArgv(new URL('file:///app/out/main/decode.child.js'), parent)).toEqual(parent);
    const ts = decodeChildExecArgv(new URL('file:///repo/src/core/decode/decode.child.ts'), parent);
    expect(ts.slice(0, 2)).toEqual(['--conditions', 'development']);
    expect(ts[2]).toBe('--import');
    expect(ts[3]).toMatch(/tsx\/dist\/loader\.mjs$/);
  });

  it('defaults to one process per core, at least one', () => {
    expect(defaultDecodeProcesses(16)).toBe(16);
    expect(defaultDecodeProcesses(0)).toBe(1);
  });
});
