import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOddModel } from '../../../test/fixtures/models/odd-models.js';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { loadClipTextTower } from '../embed/clip-text-encoder.js';
import { loadCatalog } from './catalog.js';
import { importModel } from './import-model.js';
import { findInstalledModel, listModels } from './model-registry.js';
import { writeManifest } from './manifest.js';
import { writeModelFolder } from './test-helpers/model-folders.js';
import { writeOddTextModel } from './test-helpers/odd-text-models.js';
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

  it('imports a folder with the towers at its root into the layout the text side loads', async () => {
    const folder = await writeModelFolder(join(dir, 'root-layout'), { layout: 'root', seed: 21 });
    const outcome = await importModel(folder, cacheDir);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.manifest.files.filter((f) => f.role === 'vision' || f.role === 'text').map((f) => f.path).sort()).toEqual(['onnx/text_model.onnx', 'vision_model.onnx']);
    const installed = await findInstalledModel(cacheDir, await loadCatalog(modelCatalogFile()), outcome.manifest.id);
    expect(installed?.textAvailable).toBe(true);
    const text = await loadClipTextTower(installed!.modelDir, { providers: ['cpu'], thread: 'main', expectedDim: installed!.embeddingDim });
    expect((await text.encode(['a cat'])).length).toBe(installed!.embeddingDim);
    await text.close();
  });

  describe('leaves out a text tower the text side cannot run, and says why', () => {
    const importWithTextTower = async (name: string, writeText: (path: string) => Promise<unknown>, seed: number) => {
      const folder = await writeModelFolder(join(dir, name), { text: false, seed });
      const textPath = join(folder, 'onnx', 'text_model.onnx');
      await writeText(textPath);
      const outcome = await importModel(folder, cacheDir);
      expect(outcome.manifest.files.map((f) => f.role).sort()).toEqual(['preprocessor', 'vision']);
      expect(outcome.manifest.towers?.text).toBeUndefined();
      const listed = (await listModels(cacheDir, await loadCatalog(modelCatalogFile()))).models.find((m) => m.id === outcome.manifest.id);
      expect(listed?.textAvailable).toBe(false);
      return { outcome, textPath };
    };

    it('an output named embedding rather than text_embeds', async () => {
      const { outcome, textPath } = await importWithTextTower('text-embedding-output', (p) => writeOddTextModel(p, { outputName: 'embedding', outputType: 'float32' }), 22);
      expect(outcome.warnings).toEqual([
        `The text tower was not imported: ${textPath} is not a CLIP text model this app can run: it has no text_embeds output (outputs: embedding float32[batch,sequence]); text search and zero-shot labels are unavailable for this model.`,
      ]);
    });

    it('a float16 text_embeds', async () => {
      const { outcome, textPath } = await importWithTextTower('text-fp16-output', (p) => writeOddTextModel(p, { outputName: 'text_embeds', outputType: 'float16' }), 23);
      expect(outcome.warnings[0]).toContain(`${textPath} is not a CLIP text model this app can run: output text_embeds float16[batch,sequence] must be a float32 tensor`);
    });

    it('a text tower whose embeddings do not match the image embeddings', async () => {
      const { outcome, textPath } = await importWithTextTower('text-wrong-dim', (p) => writeOddTextModel(p, { outputName: 'text_embeds', outputType: 'float32' }), 24);
      expect(outcome.warnings[0]).toMatch(new RegExp(`^The text tower was not imported: ${textPath} is not a CLIP text model this app can run: text_embeds has \\d+ values per text, but the image embeddings have 512`));
    });

    it('a tokenizer file that does not parse', async () => {
      const folder = await writeModelFolder(join(dir, 'bad-tokenizer'), { tokenizer: 'none', seed: 25 });
      await writeFile(join(folder, 'tokenizer.json'), '{"model":{"type":"BPE"}}');
      const outcome = await importModel(folder, cacheDir);
      expect(outcome.warnings[0]).toMatch(new RegExp(`^The text tower was not imported: .*${join(folder, 'tokenizer.json')}`));
      expect(outcome.manifest.towers?.text).toBeUndefined();
    });
  });

  it('lists text features as unavailable for an earlier import whose text tower the text side cannot load', async () => {
    const folder = await writeModelFolder(join(dir, 'legacy-root-copy'), { seed: 26 });
    const { manifest, modelDir } = await importModel(folder, cacheDir);
    // What import used to write for a root-layout folder: the text tower at the model folder's root.
    await rename(join(modelDir, 'onnx', 'text_model.onnx'), join(modelDir, 'text_model.onnx'));
    const legacy = { ...manifest, files: manifest.files.map((f) => (f.role === 'text' ? { ...f, path: 'text_model.onnx' } : f)) };
    await writeManifest(modelDir, legacy);
    const catalog = await loadCatalog(modelCatalogFile());
    const listed = (await listModels(cacheDir, catalog)).models.find((m) => m.id === manifest.id);
    expect(listed?.textAvailable).toBe(false);
    expect(listed?.notes.at(-1)).toBe(`Text search and zero-shot labels are unavailable: ${join(modelDir, 'text_model.onnx')} is not where the text side looks (onnx/text_model.onnx). Import the model folder again.`);

    // A recorded signature the runtime refuses (float16 output) counts the same way.
    await rename(join(modelDir, 'text_model.onnx'), join(modelDir, 'onnx', 'text_model.onnx'));
    const text = manifest.towers?.text;
    await writeManifest(modelDir, { ...manifest, towers: { ...manifest.towers!, text: { inputs: text!.inputs, output: { ...text!.output, dtype: 'float16' } } } });
    const again = (await listModels(cacheDir, catalog)).models.find((m) => m.id === manifest.id);
    expect(again?.textAvailable).toBe(false);
    expect(again?.notes.at(-1)).toMatch(/must be a float32 tensor/);
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
      await expect(importModel(small, cacheDir)).rejects.toThrow(`${small}: input 'pixel_values' float32 [batch, 3, 64, 64] has the wrong shape; expected [batch, 3, 224, 224] float32 or float16 (or RGB bytes`);
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

  it('imports a vision tower whose input is float16 (it runs through its RGB-input rewrite)', async () => {
    const file = await writeOddModel(join(dir, 'half-input.onnx'), { inputName: 'pixel_values', inputShape: ['batch', 3, 224, 224], outputName: 'image_embeds', reduceToTwoDims: true, inputType: 'float16' });
    const { manifest } = await importModel(file, cacheDir);
    expect(manifest.towers?.vision.input).toMatchObject({ name: 'pixel_values', dtype: 'float16' });
    expect(manifest.towers?.embeddingDim).toBe(3);
  });

  it('refuses a float16-input tower that the RGB-input rewrite cannot take, saying why', async () => {
    const before = await cacheEntries();
    // A name the rewrite would clash with stands for any graph it refuses.
    const file = await writeOddModel(join(dir, 'half-clash.onnx'), { inputName: 'pixel_values', inputShape: ['batch', 3, 224, 224], outputName: 'dataset_health_rgb_embeds', reduceToTwoDims: true, inputType: 'float16' });
    await expect(importModel(file, cacheDir)).rejects.toThrow(`${file}: its float16 input can only be fed through the RGB-input rewrite, which refuses it: it already has names starting with 'dataset_health_rgb'`);
    expect(await cacheEntries()).toEqual(before);
  });

  it('takes an imported file’s precision from its name', async () => {
    const plain = await writeTinyClipModel(join(dir, 'plain.onnx'), { seed: 9 });
    expect((await importModel(plain, cacheDir)).manifest.files[0]).toMatchObject({ path: 'onnx/vision_model.onnx', precision: 'fp32' });
    const half = await writeTinyClipModel(join(dir, 'visual_fp16.onnx'), { seed: 10, precision: 'fp16' });
    expect((await importModel(half, cacheDir)).manifest.files[0]).toMatchObject({ path: 'onnx/vision_model_fp16.onnx', precision: 'fp16' });
  });
});
