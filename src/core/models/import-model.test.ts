import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOddModel } from '../../../test/fixtures/models/odd-models.js';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { loadClipTextTower } from '../embed/clip-text-encoder.js';
import { loadCatalog } from './catalog.js';
import { importModel } from './import-model.js';
import { findInstalledModel, listModels } from './model-registry.js';
import { writeModelFolder } from './test-helpers/model-folders.js';
import { modelCatalogFile } from '../resources.js';

let dir: string;
let cacheDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-model-'));
  cacheDir = join(dir, 'cache');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const cacheEntries = async (): Promise<string[]> => (await readdir(cacheDir).catch(() => [])).sort();

describe('importModel', () => {
  it('imports a Hugging Face-layout folder with both towers and a tokenizer, once', async () => {
    const folder = await writeModelFolder(join(dir, 'hf-full'), { projectionDim: 512 });
    const outcome = await importModel(folder, cacheDir);
    expect(outcome.added).toBe(true);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.manifest.id).toMatch(/^local-[0-9a-f]{12}$/);
    expect(outcome.manifest.files.map((f) => `${f.role}:${f.path}`).sort()).toEqual(
      ['config:config.json', 'preprocessor:preprocessor_config.json', 'text:onnx/text_model.onnx', 'tokenizer:merges.txt', 'vision:onnx/vision_model.onnx'].sort(),
    );
    expect(outcome.manifest.towers?.vision.output).toEqual({ name: 'image_embeds', dtype: 'float32', shape: ['batch_size', 512] });
    expect(outcome.manifest.towers?.text?.inputs.map((t) => `${t.name}:${t.dtype}`)).toEqual(['input_ids:int64', 'attention_mask:int64']);
    const catalog = await loadCatalog(modelCatalogFile());
    const installed = await findInstalledModel(cacheDir, catalog, outcome.manifest.id);
    expect(installed).toMatchObject({ kind: 'imported', precisions: ['fp32'], embeddingDim: 512, textAvailable: true, modelDir: join(cacheDir, outcome.manifest.id) });
    const listed = (await listModels(cacheDir, catalog)).models.find((m) => m.id === outcome.manifest.id);
    expect(listed).toMatchObject({ name: 'hf-full', kind: 'imported', source: { importedFrom: folder }, installed: ['fp32'], textAvailable: true });

    const text = await loadClipTextTower(installed!.modelDir, { providers: ['cpu'], thread: 'main', expectedDim: 512 });
    expect((await text.encode(['a dog'])).length).toBe(512); // the text side loads the imported copy
    await text.close();

    const again = await importModel(folder, cacheDir);
    expect(again.added).toBe(false);
    expect(again.manifest.id).toBe(outcome.manifest.id);
  });

  it('imports only the vision tower of a folder without a tokenizer, and says text features are unavailable', async () => {
    const folder = await writeModelFolder(join(dir, 'no-tokenizer'), { tokenizer: 'none', seed: 3 });
    const outcome = await importModel(folder, cacheDir);
    expect(outcome.warnings).toEqual([
      `${folder} has no tokenizer (merges.txt, tokenizer.json, bpe_simple_vocab_16e6.txt.gz): imported the vision tower only; text search and zero-shot labels are unavailable for this model.`,
    ]);
    expect(outcome.manifest.files.map((f) => f.role).sort()).toEqual(['preprocessor', 'vision']);
    const listed = (await listModels(cacheDir, await loadCatalog(modelCatalogFile()))).models.find((m) => m.id === outcome.manifest.id);
    expect(listed?.textAvailable).toBe(false);
    expect(listed?.notes).toEqual(outcome.warnings);
  });

  it('accepts tokenizer.json as the tokenizer', async () => {
    const folder = await writeModelFolder(join(dir, 'tokenizer-json'), { tokenizer: 'tokenizer.json', seed: 4 });
    const outcome = await importModel(folder, cacheDir);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.manifest.towers?.text).toBeDefined();
  });

  it('imports a single .onnx file with other tensor names (open_clip: image -> embedding)', async () => {
    const file = await writeOddModel(join(dir, 'open-clip-visual.onnx'), { inputName: 'image', inputShape: ['batch', 3, 224, 224], outputName: 'embedding', reduceToTwoDims: true });
    const outcome = await importModel(file, cacheDir);
    expect(outcome.manifest.towers?.vision.input.name).toBe('image');
    expect(outcome.manifest.towers?.vision.output.name).toBe('embedding');
    expect(outcome.manifest.towers?.embeddingDim).toBe(3);
    expect(outcome.manifest.files.map((f) => f.path)).toEqual(['onnx/vision_model.onnx']);
    expect(outcome.warnings[0]).toMatch(/text search and zero-shot labels need the model folder/);
  });

  describe('refuses bad models with the file and the reason, leaving the cache as it was', () => {
    let before: string[];
    beforeAll(async () => {
      before = await cacheEntries();
    });

    it('a file that is not ONNX', async () => {
      const fake = join(dir, 'not-a-model.onnx');
      await writeFile(fake, 'this is not a protobuf');
      await expect(importModel(fake, cacheDir)).rejects.toThrow(new RegExp(`^${fake} is not an ONNX model that onnxruntime can load \\(`));
      const text = join(dir, 'weights.bin');
      await writeFile(text, 'x');
      await expect(importModel(text, cacheDir)).rejects.toThrow(`Cannot import ${text}: expected an .onnx file or a model folder`);
      expect(await cacheEntries()).toEqual(before);
    });

    it('a wrong input shape', async () => {
      const small = await writeOddModel(join(dir, 'small-input.onnx'), { inputName: 'pixel_values', inputShape: ['batch', 3, 64, 64], outputName: 'image_embeds', reduceToTwoDims: true });
      await expect(importModel(small, cacheDir)).rejects.toThrow(`${small}: input 'pixel_values' float32 [batch, 3, 64, 64] has the wrong shape; expected [batch, 3, 224, 224] float32 (or RGB bytes`);
      expect(await cacheEntries()).toEqual(before);
    });

    it('wrong output dimensions', async () => {
      const passthrough = await writeOddModel(join(dir, 'four-d-output.onnx'), { inputName: 'pixel_values', inputShape: ['batch', 3, 224, 224], outputName: 'image_embeds' });
      await expect(importModel(passthrough, cacheDir)).rejects.toThrow(`${passthrough}: output 'image_embeds' float32 [batch, 3, 224, 224] has 4 dimensions; expected 2, [batch, dim]`);
      const folder = await writeModelFolder(join(dir, 'wrong-dim'), { projectionDim: 768, seed: 5 });
      await expect(importModel(folder, cacheDir)).rejects.toThrow(`${join(folder, 'onnx', 'vision_model.onnx')}: output 'image_embeds' gives 512 values per image, but ${join(folder, 'config.json')} (projection_dim) says 768`);
      expect(await cacheEntries()).toEqual(before);
    });

    it('a staged import left by a crash does not count as a model', async () => {
      const file = await writeTinyClipModel(join(dir, 'staged.onnx'), { seed: 11 });
      const { manifest, modelDir } = await importModel(file, cacheDir);
      const { rename } = await import('node:fs/promises');
      await rename(modelDir, join(cacheDir, '.import-crashed'));
      expect(await findInstalledModel(cacheDir, await loadCatalog(modelCatalogFile()), manifest.id)).toBeNull();
      await rm(join(cacheDir, '.import-crashed'), { recursive: true });
    });

    it('a folder without a vision tower, and a path that does not exist', async () => {
      const empty = join(dir, 'empty-folder');
      await mkdir(empty);
      await expect(importModel(empty, cacheDir)).rejects.toThrow(`Cannot import ${empty}: it has no vision tower; expected onnx/vision_model.onnx`);
      await expect(importModel(join(dir, 'nope'), cacheDir)).rejects.toThrow('does not exist');
      expect(await cacheEntries()).toEqual(before);
    });
  });

  it('imports a vision tower that takes RGB bytes and normalises them in the graph', async () => {
    const file = await writeTinyClipModel(join(dir, 'uint8-input.onnx'), { seed: 12, uint8Input: true });
    const { manifest } = await importModel(file, cacheDir);
    expect(manifest.towers?.vision.input).toMatchObject({ name: 'pixel_values', dtype: 'uint8' });
    expect(manifest.towers?.embeddingDim).toBe(512);
  });

  it('takes an imported file’s precision from its name', async () => {
    const plain = await writeTinyClipModel(join(dir, 'plain.onnx'), { seed: 9 });
    expect((await importModel(plain, cacheDir)).manifest.files[0]).toMatchObject({ path: 'onnx/vision_model.onnx', precision: 'fp32' });
    const half = await writeTinyClipModel(join(dir, 'visual_fp16.onnx'), { seed: 10, precision: 'fp16' });
    expect((await importModel(half, cacheDir)).manifest.files[0]).toMatchObject({ path: 'onnx/vision_model_fp16.onnx', precision: 'fp16' });
  });
});
