import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { CLIP_IMAGE_SIZE_PX, CLIP_MEAN, CLIP_STD } from '../decode/clip-preprocess.js';
import { rgbInputModelFor, type RgbInputModelOptions } from './rgb-input-model.js';

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

  it('uses the original, remembering nothing, when the copy cannot be written', async () => {
    const model = await writeTinyClipModel(join(dir, 'nowhere.onnx'));
    const blocked = join(dir, 'a-file');
    await writeFile(blocked, 'not a folder');
    const result = await rgbInputModelFor(model, optionsFor(join(blocked, 'cache')));
    expect(result.rewritten).toBe(false);
    expect(result.reason).toMatch(/could not write .*a-file\/cache/);
    expect(await readFile(blocked, 'utf8')).toBe('not a folder');
  });
});
