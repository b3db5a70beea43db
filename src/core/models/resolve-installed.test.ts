/** resolveEmbedder with the model manager: catalogue models installed through the downloader, and imported ones. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOddModel } from '../../../test/fixtures/models/odd-models.js';
import type { EmbedderInfo } from '../../shared/model/dataset.js';
import { resolveEmbedder } from '../embed/resolve-embedder.js';
import { loadCatalog, type Catalog } from './catalog.js';
import { importModel } from './import-model.js';
import { installCatalogModel } from './install-model.js';
import { startFakeHub, type FakeHub } from './test-helpers/fake-hub.js';
import { writeModelFolder } from './test-helpers/model-folders.js';
import { serveCatalogModel } from './test-helpers/serve-catalog-model.js';
import { modelCatalogFile } from '../resources.js';
import { CLIP_PREPROCESSING_REVISION } from '../decode/clip-preprocess.js';

let dir: string;
let hub: FakeHub;
let catalog: Catalog;
let cacheDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'resolve-installed-'));
  cacheDir = join(dir, 'cache');
  hub = await startFakeHub();
  // The real catalogue's ViT-B/32 entry, served by the stand-in hub with tiny towers of the same signature.
  catalog = await loadCatalog(modelCatalogFile());
  const entry = catalog.models.find((m) => m.id === 'clip-vit-b32')!;
  await serveCatalogModel(hub, entry, join(dir, 'src'));
  await installCatalogModel(entry, 'fp32', { cacheDir, endpoint: hub.endpoint });
  await installCatalogModel(entry, 'fp16', { cacheDir, endpoint: hub.endpoint });
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

async function infoOf(spec: string | undefined, providers: string[]): Promise<EmbedderInfo> {
  const embedder = await resolveEmbedder(spec, { modelCacheDir: cacheDir, providers, catalog });
  await embedder.close();
  return embedder.info;
}

describe('resolveEmbedder with installed models', () => {
  it('loads an installed catalogue model, fp32 on the CPU, and sets the folder of its text tower', async () => {
    expect(await infoOf('clip-vit-b32', ['cpu'])).toEqual({ id: 'clip-vit-b32', name: 'CLIP ViT-B/32', dim: 512, executionProvider: 'cpu', modelDir: join(cacheDir, 'clip-vit-b32'), preprocessing: CLIP_PREPROCESSING_REVISION });
    expect((await infoOf(undefined, ['cpu'])).id).toBe('clip-vit-b32');
  });

  it('takes the fp16 file when asked, or when the first provider is a GPU one', async () => {
    expect(await infoOf('clip-vit-b32:fp16', ['cpu'])).toMatchObject({ id: 'clip-vit-b32:fp16', name: 'CLIP ViT-B/32 (fp16)', dim: 512 });
    // Without a GPU here WebGPU falls back to the CPU; the choice was made for the provider asked for first.
    expect((await infoOf('clip-vit-b32', ['webgpu', 'cpu'])).id).toBe('clip-vit-b32:fp16');
  });

  it('loads an imported model under its id with the tensor names found at import', async () => {
    const openClip = await writeOddModel(join(dir, 'open-clip.onnx'), { inputName: 'image', inputShape: ['batch', 3, 224, 224], outputName: 'embedding', reduceToTwoDims: true });
    const { manifest } = await importModel(openClip, cacheDir);
    const info = await infoOf(manifest.id, ['cpu']);
    expect(info).toEqual({ id: manifest.id, name: 'open-clip', dim: 3, executionProvider: 'cpu', preprocessing: CLIP_PREPROCESSING_REVISION }); // a lone file: no text tower folder

    const folder = await writeModelFolder(join(dir, 'hf-folder'), { seed: 7 });
    const imported = await importModel(folder, cacheDir);
    expect((await infoOf(imported.manifest.id, ['cpu'])).modelDir).toBe(join(cacheDir, imported.manifest.id));
  });

  it('refuses a precision that is not installed, naming the one that is', async () => {
    const folder = await writeModelFolder(join(dir, 'hf-folder-2'), { seed: 8 });
    const { manifest } = await importModel(folder, cacheDir);
    await expect(resolveEmbedder(`${manifest.id}:fp16`, { modelCacheDir: cacheDir, providers: ['cpu'], catalog })).rejects.toThrow(`hf-folder-2 is installed in fp32 only, not fp16`);
  });
});
