import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import type { Embedder } from './embedder.js';
import { defaultBatchSize } from './providers.js';
import { clipVitB32Path, resolveEmbedder } from './resolve-embedder.js';
import { CLIP_PREPROCESSING_REVISION } from '../decode/clip-preprocess.js';

let dir: string;
let emptyCache: string;
let fullCache: string;
let tinyPath: string;
const providers = ['cpu'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'resolve-embedder-'));
  emptyCache = join(dir, 'empty-cache');
  await mkdir(emptyCache);
  fullCache = join(dir, 'full-cache');
  tinyPath = await writeTinyClipModel(join(dir, 'models', 'tiny.onnx'));
  await mkdir(join(fullCache, 'clip-vit-b32', 'onnx'), { recursive: true });
  await copyFile(tinyPath, clipVitB32Path(fullCache));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function infoOf(spec: string | undefined, modelCacheDir: string): Promise<Embedder['info']> {
  const embedder = await resolveEmbedder(spec, { modelCacheDir, providers });
  await embedder.close();
  return embedder.info;
}

describe('resolveEmbedder', () => {
  it('defaults to the pixels embedder when CLIP is not cached, and to CLIP when it is', async () => {
    expect((await infoOf(undefined, emptyCache)).id).toBe('pixels-v1');
    // A vision tower placed by hand where the model manager keeps ViT-B/32 still loads (no manifest, unverified).
    expect(await infoOf(undefined, fullCache)).toEqual({ id: 'clip-vit-b32', name: 'CLIP ViT-B/32', dim: 512, executionProvider: 'cpu', modelDir: join(fullCache, 'clip-vit-b32'), preprocessing: CLIP_PREPROCESSING_REVISION });
  });

  it('accepts pixels by name and by id', async () => {
    expect((await infoOf('pixels', fullCache)).id).toBe('pixels-v1');
    expect((await infoOf('pixels-v1', fullCache)).id).toBe('pixels-v1');
  });

  it('says how to download or import a catalogue model that is not installed', async () => {
    await expect(resolveEmbedder('clip-vit-b32', { modelCacheDir: emptyCache })).rejects.toThrow(
      `CLIP ViT-B/32 is not installed in the model cache ${emptyCache}. Download it with \`dataset-health models download clip-vit-b32\``,
    );
    await expect(resolveEmbedder('clip-vit-b16:fp16', { modelCacheDir: emptyCache })).rejects.toThrow('`dataset-health models download clip-vit-b16 --precision fp16`');
  });

  it('loads an .onnx path or a folder with onnx/vision_model.onnx, keyed by content', async () => {
    const byFile = await infoOf(tinyPath, emptyCache);
    expect(byFile.id).toMatch(/^onnx:[0-9a-f]{16}$/);
    expect(byFile.name).toBe('ONNX model tiny.onnx');
    const byFolder = await infoOf(join(fullCache, 'clip-vit-b32'), emptyCache);
    expect(byFolder.id).toBe(byFile.id); // same bytes, same key
    expect(byFolder.name).toBe('ONNX model clip-vit-b32');
    expect(byFolder.modelDir).toBe(join(fullCache, 'clip-vit-b32')); // its text tower and tokenizer would sit there
    expect(byFile.modelDir).toBeUndefined();
    const otherWeights = await writeTinyClipModel(join(dir, 'models', 'tiny-seed-2.onnx'), { seed: 2 });
    expect((await infoOf(otherWeights, emptyCache)).id).not.toBe(byFile.id);
  });

  it('lists what is available for an unknown model', async () => {
    const attempt = resolveEmbedder('clip-vit-l14', { modelCacheDir: emptyCache });
    await expect(attempt).rejects.toThrow(/^Unknown model 'clip-vit-l14': it is not a known model id and .* does not exist\. Available: 'pixels' \(Basic pixels embedder \(no model\)\), 'clip-vit-b32' \(CLIP ViT-B\/32, not installed\), 'clip-vit-b16' \(CLIP ViT-B\/16, not installed\) /);
    await expect(resolveEmbedder(emptyCache, { modelCacheDir: emptyCache })).rejects.toThrow(`the folder ${emptyCache} has no onnx/vision_model.onnx`);
    const text = join(dir, 'model.txt');
    await writeFile(text, 'x');
    await expect(resolveEmbedder(text, { modelCacheDir: emptyCache })).rejects.toThrow(`${text} is not an .onnx file`);
  });
});

describe('batch size', () => {
  it('defaults to the execution provider\'s batch size, or follows the caller\'s rule for the provider it loaded on', async () => {
    const byDefault = await resolveEmbedder(tinyPath, { modelCacheDir: emptyCache, providers });
    await byDefault.close();
    expect(byDefault.batchSize).toBe(defaultBatchSize('cpu'));
    const asked: string[] = [];
    const ruled = await resolveEmbedder(tinyPath, { modelCacheDir: emptyCache, providers, batchSize: (provider) => (asked.push(provider), 5) });
    await ruled.close();
    expect([ruled.batchSize, asked]).toEqual([5, ['cpu']]);
    await expect(resolveEmbedder(tinyPath, { modelCacheDir: emptyCache, providers, batchSize: () => 0 })).rejects.toThrow('Batch size must be a positive integer, got 0');
  });
});
