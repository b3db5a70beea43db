import { copyFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { CLIP_IMAGE_SIZE_PX, CLIP_MEAN, CLIP_STD } from '../decode/clip-preprocess.js';
import { RGB_REWRITE_REVISION, rgbInputCacheNames, rgbInputModelFor, type RgbInputModelOptions } from './rgb-input-model.js';

/** Failures to inject into fs/promises' rename and rm, as a file another process holds open gives on Windows. */
const faults = vi.hoisted(() => ({ rename: null as ((from: string, to: string) => boolean) | null, rm: null as ((path: string) => boolean) | null }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const busy = (path: string): NodeJS.ErrnoException => Object.assign(new Error(`EPERM: operation not permitted, '${path}'`), { code: 'EPERM' });
  return {
    ...actual,
    rename: (from: string, to: string) => (faults.rename?.(from, to) ? Promise.reject(busy(to)) : actual.rename(from, to)),
    rm: (path: string, options?: Parameters<typeof actual.rm>[1]) => (faults.rm?.(path) ? Promise.reject(busy(path)) : actual.rm(path, options)),
  };
});
afterEach(() => {
  faults.rename = null;
  faults.rm = null;
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dh-rgb-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const optionsFor = (cacheDir: string, extra: Partial<RgbInputModelOptions> = {}): RgbInputModelOptions => ({ cacheDir, inputName: 'pixel_values', outputName: 'image_embeds', ...extra });

async function inputType(path: string): Promise<string> {
  const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
  const meta = session.inputMetadata[0];
  await session.release();
  return meta?.isTensor ? meta.type : 'none';
}

describe('rgbInputModelFor', () => {
  it('rewrites a float-input model once, reuses the copy, and replaces it when the model file changes', async () => {
    const model = await writeTinyClipModel(join(dir, 'float.onnx'));
    const cacheDir = join(dir, 'cache-a');
    const first = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect(first.rewritten).toBe(true);
    expect(first.path.startsWith(cacheDir)).toBe(true);
    expect(await inputType(first.path)).toBe('uint8');
    const written = (await stat(first.path)).mtimeMs;

    // The second load reuses the copy as it is.
    expect(await rgbInputModelFor(model, optionsFor(cacheDir))).toEqual(first);
    expect((await stat(first.path)).mtimeMs).toBe(written);

    // A new version of the file (re-downloaded, say) gets a new copy; the old one is removed.
    await writeTinyClipModel(model, { seed: 9 });
    await utimes(model, new Date(), new Date(Date.now() + 5000));
    const second = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect(second.rewritten).toBe(true);
    expect(second.path).not.toBe(first.path);
    expect(await readdir(cacheDir)).toEqual([join(second.path).slice(cacheDir.length + 1)]);
  });

  it('makes a new copy when the model is replaced by one of the same size with its modification time kept', async () => {
    const model = await writeTinyClipModel(join(dir, 'restored.onnx'));
    const cacheDir = join(dir, 'cache-restored');
    // Whole seconds, so that setting the time again gives exactly the same mtimeMs (as `cp -p` does to the ns).
    const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    await utimes(model, time, time);
    const before = await stat(model);
    const first = await rgbInputModelFor(model, optionsFor(cacheDir));
    await writeTinyClipModel(model, { seed: 4 });
    await utimes(model, time, time);
    const after = await stat(model);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    const second = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect(second.rewritten).toBe(true);
    expect(second.path).not.toBe(first.path);
  });

  it('keeps a model that already takes bytes as it is, and remembers why without reading it again', async () => {
    const model = await writeTinyClipModel(join(dir, 'bytes.onnx'), { uint8Input: true });
    const cacheDir = join(dir, 'cache-b');
    const result = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect(result).toEqual({ path: model, rewritten: false, reason: `${model} keeps its float input: input 'pixel_values' has element type 2, not float32 or float16` });
    const notes = await readdir(cacheDir);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/\.keep-float\.txt$/);
    expect(await rgbInputModelFor(model, optionsFor(cacheDir))).toEqual(result);
  });

  it('uses the original when the rewrite gives other embeddings, and leaves no half-made copy', async () => {
    const model = await writeTinyClipModel(join(dir, 'checked.onnx'), { seed: 3 });
    const cacheDir = join(dir, 'cache-c');
    // A graph normalising with other constants than the decoder's float path must fail the check.
    const wrong = { imageSizePx: CLIP_IMAGE_SIZE_PX, mean: CLIP_MEAN.map(() => 0.9), std: CLIP_STD.map((s) => s * 3) };
    const result = await rgbInputModelFor(model, optionsFor(cacheDir, { preprocess: wrong }));
    expect(result.rewritten).toBe(false);
    expect(result.path).toBe(model);
    expect(result.reason).toMatch(/gives a different embedding \(cosine -?[\d.]+ to the original's/);
    expect((await readdir(cacheDir)).filter((name) => !name.endsWith('.keep-float.txt'))).toEqual([]);
  });

  it('catches normalisation constants in the wrong channel order (BGR), a small difference per channel', async () => {
    const model = await writeTinyClipModel(join(dir, 'bgr.onnx'), { seed: 3 });
    const bgr = { imageSizePx: CLIP_IMAGE_SIZE_PX, mean: [...CLIP_MEAN].reverse(), std: [...CLIP_STD].reverse() };
    const result = await rgbInputModelFor(model, optionsFor(join(dir, 'cache-bgr'), { preprocess: bgr }));
    expect(result.rewritten).toBe(false);
    expect(result.reason).toMatch(/gives a different embedding \(cosine 0\.9[0-8]\d*/);
  });

  it("gives a model refused by an older rewrite another chance, and removes that rewrite's note", async () => {
    const model = await writeTinyClipModel(join(dir, 'refused-before.onnx'));
    const cacheDir = join(dir, 'cache-revision');
    const older = await rgbInputCacheNames(model, cacheDir, RGB_REWRITE_REVISION - 1);
    await mkdir(cacheDir, { recursive: true });
    await writeFile(older.skipNote, `${model} keeps its float input: an older rewrite could not handle it\n`);
    const result = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect(result.rewritten).toBe(true);
    expect(await readdir(cacheDir)).toEqual([basename(result.path)]);
  });

  it('remembers nothing when the check itself fails, so that the next load checks again', async () => {
    const model = await writeTinyClipModel(join(dir, 'check-fails.onnx'));
    const cacheDir = join(dir, 'cache-check-fails');
    const result = await rgbInputModelFor(model, optionsFor(cacheDir, { outputName: 'no_such_output' }));
    expect(result.rewritten).toBe(false);
    expect(result.reason).toMatch(/runs from floats this time: the check of its RGB-input rewrite failed/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('uses the original, remembering nothing, when the copy cannot be written', async () => {
    const model = await writeTinyClipModel(join(dir, 'nowhere.onnx'));
    const blocked = join(dir, 'a-file');
    await writeFile(blocked, 'not a folder');
    const result = await rgbInputModelFor(model, optionsFor(join(blocked, 'cache')));
    expect(result.rewritten).toBe(false);
    expect(result.reason).toMatch(/could not write .*a-file\/cache/);
    expect(await readFile(blocked, 'utf8')).toBe('not a folder');
  });

  it('makes one copy when one process loads the model several times at once', async () => {
    const model = await writeTinyClipModel(join(dir, 'together.onnx'));
    const cacheDir = join(dir, 'cache-together');
    const results = await Promise.all([1, 2, 3].map(() => rgbInputModelFor(model, optionsFor(cacheDir))));
    expect(results.map((r) => r.rewritten)).toEqual([true, true, true]);
    expect(new Set(results.map((r) => r.path)).size).toBe(1);
    expect(await readdir(cacheDir)).toEqual([basename(results[0]?.path ?? '')]);
  });

  it("removes the half-made copies of crashed loads, and keeps a live process's", async () => {
    const model = await writeTinyClipModel(join(dir, 'crashed.onnx'));
    const cacheDir = join(dir, 'cache-crashed');
    const first = await rgbInputModelFor(model, optionsFor(cacheDir));
    // Process ids above the kernel's limit (2^22 on Linux) never run; the parent of this process does.
    const dead = `${basename(first.path)}.4194399.partial`;
    const deadNewStyle = `${basename(first.path)}.4194398-0a1b2c3d.partial`;
    const live = `${basename(first.path)}.${process.ppid}-0a1b2c3d.partial`;
    await Promise.all([dead, deadNewStyle, live].map((name) => writeFile(join(cacheDir, name), 'half a model')));

    await writeTinyClipModel(model, { seed: 9 });
    await utimes(model, new Date(), new Date(Date.now() + 5000));
    const second = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect((await readdir(cacheDir)).sort()).toEqual([basename(second.path), live].sort());
  });

  it('uses a copy another process moved into place first, and tidies up what it can', async () => {
    const model = await writeTinyClipModel(join(dir, 'raced.onnx'));
    const cacheDir = join(dir, 'cache-raced');
    const first = await rgbInputModelFor(model, optionsFor(cacheDir));
    await writeTinyClipModel(model, { seed: 5 });
    await utimes(model, new Date(), new Date(Date.now() + 5000));

    // Both renames are refused; the old copy is open elsewhere, so it cannot be removed either.
    faults.rm = (path) => path === first.path;
    faults.rename = () => true;
    const refused = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect(refused).toEqual({ path: model, rewritten: false, reason: expect.stringMatching(/^could not move .*\.partial into place: EPERM/) });
    expect(await readdir(cacheDir)).toEqual([basename(first.path)]);

    // Another process moved its copy into place just before this one's rename.
    faults.rename = (from, to) => {
      copyFileSync(from, to);
      return true;
    };
    const raced = await rgbInputModelFor(model, optionsFor(cacheDir));
    expect(raced.rewritten).toBe(true);
    expect(await inputType(raced.path)).toBe('uint8');
    expect((await readdir(cacheDir)).sort()).toEqual([basename(first.path), basename(raced.path)].sort());
  });
});
