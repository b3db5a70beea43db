import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SearchIndexCache } from '../search/index-cache.js';
import type { TextEmbedder } from '../search/text-embedder.js';
import { clusteredUnitRows } from '../search/test-vectors.js';
import { ProjectStore, type ScannedImage } from '../store/project-store.js';
import { loadZeroShot, rememberedZeroShotRequest, runZeroShot, type ZeroShotRequest } from './text-features.js';

const DIM = 8;
const CLIP = 'clip-test';
const FILES = ['a.png', 'b.png', 'c.png', 'd.png', 'e.png', 'f.png'];

const image = (p: string, label: string | null = p < 'd' ? 'cat' : 'dog'): ScannedImage => ({
  path: p,
  sizeBytes: 100,
  mtimeMs: 1,
  width: 8,
  height: 8,
  format: 'png',
  label,
  labelsRow: null,
  status: 'ok',
  error: null,
});

/** A text tower whose vectors depend only on the text: enough for the mechanics, nothing semantic. */
const fakeTower: TextEmbedder = {
  dim: DIM,
  async encode(texts) {
    const out = new Float32Array(texts.length * DIM);
    texts.forEach((t, i) => {
      for (let c = 0; c < t.length; c += 1) {
        const d = i * DIM + (t.charCodeAt(c) % DIM);
        out[d] = (out[d] ?? 0) + 1;
      }
      const row = out.subarray(i * DIM, (i + 1) * DIM);
      const norm = Math.hypot(...row);
      row.forEach((v, d) => (row[d] = v / norm));
    });
    return out;
  },
  async close() {},
};

describe('stored zero-shot columns', () => {
  let dir: string;
  let store: ProjectStore;

  const embedAll = (embedderId: string): void => {
    const n = store.imageCount();
    store.saveEmbeddingBatch(embedderId, DIM, Array.from({ length: n }, (_, i) => i), clusteredUnitRows(n, DIM, 2, 5));
  };
  const zeroShot = async (request: ZeroShotRequest = {}): Promise<void> => {
    await runZeroShot(store, fakeTower, await new SearchIndexCache().get(store, CLIP), CLIP, request);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dh-zero-shot-'));
    store = ProjectStore.open(path.join(dir, 'project.sqlite'));
    store.replaceScan(FILES.map((f) => image(f)));
    store.setMeta({ classes: ['cat', 'dog'] });
    store.saveEmbedder({ id: CLIP, name: 'clip', dim: DIM, executionProvider: 'cpu', modelDir: '/models/clip' });
    embedAll(CLIP);
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are served while the images and embedder are the ones they were computed from', async () => {
    await zeroShot();
    const columns = loadZeroShot(store)?.columns ?? [];
    expect(columns.map((c) => c.name)).toEqual(['zero_shot_label', 'zero_shot_confidence', 'zero_shot_agrees']);
    expect(columns[0]?.kind === 'category' && columns[0].codes.length).toBe(FILES.length);
  });

  it('are not served after a rescan renumbered the images; the user classes are still remembered and re-applied', async () => {
    await zeroShot({ classes: ['sky', 'grass'] });
    store.replaceScan(FILES.slice(1).map((f) => image(f)));
    expect(loadZeroShot(store)).toBeNull();
    expect(rememberedZeroShotRequest(store).classes).toEqual(['sky', 'grass']);

    await zeroShot(rememberedZeroShotRequest(store));
    const label = loadZeroShot(store)?.columns[0];
    expect(label?.kind === 'category' && label.codes.length).toBe(FILES.length - 1);
    expect(label?.kind === 'category' && label.categories).toEqual(['sky', 'grass']);
  });

  it('are not served after a label changed (the agreement column would be wrong)', async () => {
    await zeroShot();
    store.replaceScan(FILES.map((f) => image(f, f === 'a.png' ? 'dog' : undefined)));
    expect(loadZeroShot(store)).toBeNull();
  });

  it('are not served once more images have vectors than the columns were computed over', async () => {
    store.replaceScan([...FILES, 'g.png'].map((f) => image(f)));
    await zeroShot();
    expect(loadZeroShot(store)).not.toBeNull();
    store.saveEmbeddingBatch(CLIP, DIM, [FILES.length], clusteredUnitRows(1, DIM, 1, 3));
    expect(loadZeroShot(store)).toBeNull();
  });

  it('are not served when the dataset is shown with another embedder, nor when it has no vectors', async () => {
    await zeroShot();
    store.saveEmbedder({ id: 'pixels-v1', name: 'pixels', dim: DIM, executionProvider: 'none' });
    embedAll('pixels-v1');
    const xy = new Float32Array(2 * FILES.length);
    store.saveLayout({ embedderId: 'pixels-v1', method: 'umap', params: {}, xy, createdAtMs: 1 });
    expect(loadZeroShot(store)).toBeNull();
    store.saveLayout({ embedderId: CLIP, method: 'umap', params: {}, xy, createdAtMs: 2 });
    expect(loadZeroShot(store)).not.toBeNull();
    store.deleteEmbedder('pixels-v1');
    store.deleteEmbedder(CLIP);
    expect(loadZeroShot(store)).toBeNull();
  });
});
