import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog, type Catalog } from './catalog.js';
import { fileUrl, installCatalogModel, resolveEndpoint } from './install-model.js';
import { MANIFEST_FILE } from './manifest.js';
import { findInstalledModel, listModels, removeModel } from './model-registry.js';
import { startFakeHub, type FakeHub } from './test-helpers/fake-hub.js';

const REPO = 'tester/tiny-clip';
const REV = '0123456789abcdef0123456789abcdef01234567';
const contents: Record<string, Buffer> = {
  'onnx/vision_model.onnx': randomBytes(40_000),
  'onnx/vision_model_fp16.onnx': randomBytes(20_000),
  'onnx/text_model.onnx': randomBytes(30_000),
  'onnx/text_model_fp16.onnx': randomBytes(15_000),
  'tokenizer.json': Buffer.from('{"model":{}}'),
  'preprocessor_config.json': Buffer.from('{"crop_size":224}'),
};
const roles: Record<string, [string, string?]> = {
  'onnx/vision_model.onnx': ['vision', 'fp32'],
  'onnx/vision_model_fp16.onnx': ['vision', 'fp16'],
  'onnx/text_model.onnx': ['text', 'fp32'],
  'onnx/text_model_fp16.onnx': ['text', 'fp16'],
  'tokenizer.json': ['tokenizer'],
  'preprocessor_config.json': ['preprocessor'],
};
const tensor = (name: string, dtype: string, shape: (number | string)[]) => ({ name, dtype, shape });
const catalog: Catalog = parseCatalog(
  JSON.stringify({
    format: 1,
    models: [
      {
        id: 'tiny-clip',
        name: 'Tiny CLIP',
        source: { repo: REPO, revision: REV },
        embeddingDim: 512,
        contextLength: 77,
        preprocess: { imageSizePx: 224, resize: 'shortest-side', crop: 'center', interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
        vision: { input: tensor('pixel_values', 'float32', ['batch', 3, 224, 224]), output: tensor('image_embeds', 'float32', ['batch', 512]) },
        text: { inputs: [tensor('input_ids', 'int64', ['batch', 'sequence'])], output: tensor('text_embeds', 'float32', ['batch', 512]) },
        files: Object.entries(roles).map(([path, [role, precision]]) => ({ path, role, ...(precision ? { precision } : {}), approxBytes: 1000 })),
      },
    ],
  }),
  'test-catalog.json',
);
const entry = catalog.models[0]!;

let hub: FakeHub;
let dir: string;
beforeAll(async () => {
  hub = await startFakeHub();
  dir = await mkdtemp(join(tmpdir(), 'install-model-'));
  for (const [path, content] of Object.entries(contents)) hub.setFile(REPO, REV, path, { content, lfs: path.endsWith('.onnx') });
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('endpoint and URL layout', () => {
  it('uses the option, else HF_ENDPOINT, else huggingface.co', () => {
    expect(resolveEndpoint(undefined, {})).toBe('https://huggingface.co');
    expect(resolveEndpoint(undefined, { HF_ENDPOINT: 'https://mirror.example/' })).toBe('https://mirror.example');
    expect(resolveEndpoint('http://127.0.0.1:9', { HF_ENDPOINT: 'https://mirror.example' })).toBe('http://127.0.0.1:9');
    expect(fileUrl('https://huggingface.co', 'Xenova/clip-vit-base-patch32', 'main', 'onnx/vision_model.onnx')).toBe(
      'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/onnx/vision_model.onnx',
    );
  });
});

describe('installCatalogModel', () => {
  it('counts a model as installed only once every file of a precision is verified and the manifest lists it', async () => {
    const cacheDir = join(dir, 'cache-a');
    hub.faults.set(`${REPO}|${REV}|onnx/text_model.onnx`, { wrongSha256: 'b'.repeat(64) });
    await expect(installCatalogModel(entry, 'fp32', { cacheDir, endpoint: hub.endpoint })).rejects.toThrow(/text_model\.onnx: wrong checksum/);
    hub.faults.clear();
    expect(await findInstalledModel(cacheDir, catalog, 'tiny-clip')).toBeNull();
    expect((await listModels(cacheDir, catalog)).models[0]?.installed).toEqual([]);

    const progress: number[] = [];
    hub.log.length = 0;
    await installCatalogModel(entry, 'fp32', { cacheDir, endpoint: hub.endpoint, onProgress: (p) => progress.push(p.doneBytes / p.totalBytes) });
    // The vision tower verified in the first attempt is kept, not fetched again.
    expect(hub.log.filter((r) => r.server === 'hub').map((r) => r.path.split('/').slice(-1)[0])).toEqual(['text_model.onnx', 'tokenizer.json', 'preprocessor_config.json']);
    expect(progress.at(-1)).toBe(1);
    const model = await findInstalledModel(cacheDir, catalog, 'tiny-clip');
    expect(model?.precisions).toEqual(['fp32']);
    expect(await readFile(model!.visionPaths.fp32!)).toEqual(contents['onnx/vision_model.onnx']);
    const manifest = JSON.parse(await readFile(join(cacheDir, 'tiny-clip', MANIFEST_FILE), 'utf8'));
    const sha = createHash('sha256').update(contents['tokenizer.json']!).digest('hex');
    expect(manifest.files.find((f: { path: string }) => f.path === 'tokenizer.json')).toEqual({ path: 'tokenizer.json', role: 'tokenizer', bytes: contents['tokenizer.json']!.byteLength, sha256: sha });
  });

  it('adds a second precision beside the first, and lists both with their sizes', async () => {
    const cacheDir = join(dir, 'cache-b');
    await installCatalogModel(entry, 'fp32', { cacheDir, endpoint: hub.endpoint });
    await installCatalogModel(entry, 'fp16', { cacheDir, endpoint: hub.endpoint });
    const listed = (await listModels(cacheDir, catalog)).models[0];
    expect(listed?.installed).toEqual(['fp32', 'fp16']);
    const shared = contents['tokenizer.json']!.byteLength + contents['preprocessor_config.json']!.byteLength;
    expect(listed?.bytesByPrecision.fp16).toBe(contents['onnx/vision_model_fp16.onnx']!.byteLength + contents['onnx/text_model_fp16.onnx']!.byteLength + shared);
    expect((await listModels(cacheDir, catalog)).defaultModel).toBe('tiny-clip');
  });

  it('stops counting a precision whose file went missing, and removes a model manifest first', async () => {
    const cacheDir = join(dir, 'cache-c');
    await installCatalogModel(entry, 'fp32', { cacheDir, endpoint: hub.endpoint });
    await writeFile(join(cacheDir, 'tiny-clip', 'onnx', 'vision_model.onnx'), 'truncated');
    expect(await findInstalledModel(cacheDir, catalog, 'tiny-clip')).toBeNull();
    expect(await removeModel(cacheDir, catalog, 'tiny-clip')).toBe(true);
    expect(await readdir(cacheDir)).toEqual([]);
    expect(await removeModel(cacheDir, catalog, '../etc')).toBe(false);
  });

  it('installs from a server that sends no checksum only against the catalogue\'s sha256s', async () => {
    const fp32Files = entry.files.filter((f) => f.precision !== 'fp16');
    for (const f of fp32Files) hub.faults.set(`${REPO}|${REV}|${f.path}`, { noDigest: true });
    try {
      await expect(installCatalogModel(entry, 'fp32', { cacheDir: join(dir, 'cache-e'), endpoint: hub.endpoint })).rejects.toMatchObject({ code: 'unverified' });
      const listingSha = { ...entry, files: entry.files.map((f) => ({ ...f, sha256: createHash('sha256').update(contents[f.path]!).digest('hex') })) };
      const manifest = await installCatalogModel(listingSha, 'fp32', { cacheDir: join(dir, 'cache-e'), endpoint: hub.endpoint });
      expect(manifest.files.map((f) => f.sha256)).toEqual(fp32Files.map((f) => createHash('sha256').update(contents[f.path]!).digest('hex')));
    } finally {
      hub.faults.clear();
    }
  });

  it('refuses a precision the catalogue does not offer', async () => {
    const fp32Only = { ...entry, files: entry.files.filter((f) => f.precision !== 'fp16') };
    await expect(installCatalogModel(fp32Only, 'fp16', { cacheDir: join(dir, 'cache-d'), endpoint: hub.endpoint })).rejects.toThrow('Tiny CLIP has no fp16 files in the catalogue; choose fp32');
  });
});
