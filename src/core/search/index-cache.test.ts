import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { ProjectStore, type ScannedImage } from '../store/project-store.js';
import { SearchIndexCache } from './index-cache.js';
import { clusteredUnitRows } from './test-vectors.js';

const DIM = 8;
const ROWS = 60;

const image = (p: string): ScannedImage => ({ path: p, sizeBytes: 100, mtimeMs: 1, width: 8, height: 8, format: 'png', label: null, labelsRow: null, status: 'ok', error: null });

describe('SearchIndexCache', () => {
  let dir: string;
  let store: ProjectStore;
  const searchDir = (): string => path.join(dir, 'search');

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dh-index-cache-'));
    store = ProjectStore.open(path.join(dir, 'project.sqlite'));
    store.replaceScan(Array.from({ length: ROWS }, (_, i) => image(`img-${String(i).padStart(3, '0')}.png`)));
    store.saveEmbedder({ id: 'clip-test', name: 'test', dim: DIM, executionProvider: 'cpu' });
    // Not unit length: imported embeddings may not be, and the index normalises them.
    const vectors = clusteredUnitRows(ROWS, DIM, 4, 9).map((v) => 3 * v);
    store.saveEmbeddingBatch('clip-test', DIM, Array.from({ length: ROWS }, (_, i) => i), vectors);
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches exactly up to the limit, with unit scores', async () => {
    const index = await new SearchIndexCache().get(store, 'clip-test');
    expect(index.ann).toBeNull();
    const hits = index.search(index.queryForImages([5]), 3);
    expect(hits.indices[0]).toBe(5);
    expect(hits.scores[0]).toBeCloseTo(1, 5);
  });

  it('keeps one index per store until the embeddings change, and saves the graph for the next session', async () => {
    const cache = new SearchIndexCache({ exactMaxPoints: 10 });
    const first = await cache.get(store, 'clip-test');
    expect(first.ann).not.toBeNull();
    expect(await cache.get(store, 'clip-test')).toBe(first);
    const [file] = readdirSync(searchDir());
    expect(file).toMatch(/^clip-test-[0-9a-f]{16}\.usearch$/);
    const savedMs = statSync(path.join(searchDir(), file!)).mtimeMs;

    // Another session loads the saved graph instead of rebuilding it.
    const next = await new SearchIndexCache({ exactMaxPoints: 10 }).get(store, 'clip-test');
    expect(next.search(next.queryForImages([7]), 1).indices[0]).toBe(7);
    expect(readdirSync(searchDir())).toEqual([file]);
    expect(statSync(path.join(searchDir(), file!)).mtimeMs).toBe(savedMs);

    // Changed embeddings, with nobody calling invalidate: a new graph under a new name replaces the old one.
    store.saveEmbeddingBatch('clip-test', DIM, [0], new Float32Array(DIM).fill(1));
    const rebuilt = await cache.get(store, 'clip-test');
    expect(rebuilt).not.toBe(first);
    expect(await cache.get(store, 'clip-test')).toBe(rebuilt);
    const files = readdirSync(searchDir());
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(file);
    cache.invalidate(store);
    expect(await cache.get(store, 'clip-test')).not.toBe(rebuilt);
  });

  it('serves the current image numbering after a rescan, even when nobody invalidated the cache', async () => {
    const cache = new SearchIndexCache();
    const before = await cache.get(store, 'clip-test');
    expect(before.search(before.queryForImages([ROWS - 1]), 1).indices[0]).toBe(ROWS - 1);
    // Dropping the first file renumbers every other image one down (as a rescan that then fails part-way leaves it).
    store.replaceScan(Array.from({ length: ROWS - 1 }, (_, i) => image(`img-${String(i + 1).padStart(3, '0')}.png`)));
    const after = await cache.get(store, 'clip-test');
    expect(Array.from(after.embeddings.idxs)).toEqual(Array.from({ length: ROWS - 1 }, (_, i) => i));
    const hits = after.search(after.queryForImages([ROWS - 2]), ROWS);
    expect(hits.indices[0]).toBe(ROWS - 2);
    expect(Math.max(...hits.indices)).toBe(ROWS - 2);
  });

  it('sees vectors another connection saved', async () => {
    const cache = new SearchIndexCache();
    const first = await cache.get(store, 'clip-test');
    const other = ProjectStore.open(path.join(dir, 'project.sqlite'));
    try {
      other.deleteEmbedder('clip-test');
    } finally {
      other.close();
    }
    expect(await cache.get(store, 'clip-test').catch((e: unknown) => (e as ApiError).code)).toBe('not-embedded');
    expect(first.embeddings.idxs.length).toBe(ROWS);
  });

  it('says to analyze first when the embedder has no vectors', async () => {
    store.saveEmbedder({ id: 'empty', name: 'empty', dim: DIM, executionProvider: 'cpu' });
    const err = await new SearchIndexCache().get(store, 'empty').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not-embedded');
  });
});
