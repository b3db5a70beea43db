/**
 * Search, find similar, zero-shot labels and cluster names over every transport. The text tower is a fake whose
 * texts point along known axes, so every ranking is checked against brute force over the stored embeddings; one
 * engine searches exactly, the other through the ANN graph (limit lowered to 10 points).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/shared/api/client.js';
import type { EngineHost } from '../../src/shared/api/engine.js';
import type { EmbedderInfo } from '../../src/shared/model/dataset.js';
import { createEngine } from '../../src/core/engine.js';
import { ProjectStore } from '../../src/core/store/project-store.js';
import { FakeTextEmbedder } from '../../src/core/zero-shot/fake-text-embedder.js';
import { makeFixtureDataset, type FixtureDataset } from '../fixtures/make-dataset.js';
import { rejectedApiError } from './api-error.js';
import { connect, finalStatus, TRANSPORT_NAMES, type Harness } from './transports.js';

/** Image indices by descending inner product with `query`, ties to the lower index. */
function bruteForce(store: ProjectStore, embedderId: string, query: Float32Array, exclude: number[] = []): number[] {
  const emb = store.loadEmbeddings(embedderId);
  if (!emb) throw new Error('no embeddings');
  const scored = Array.from(emb.idxs, (idx, row) => {
    let s = 0;
    for (let d = 0; d < emb.dim; d += 1) s += (emb.data[row * emb.dim + d] as number) * (query[d] as number);
    return { idx, s };
  }).filter((x) => !exclude.includes(x.idx));
  scored.sort((a, b) => b.s - a.s || a.idx - b.idx);
  return scored.map((x) => x.idx);
}

const AXES = { cat: 0, dog: 1, fish: 2 };

describe.each(TRANSPORT_NAMES.flatMap((t) => [[t, 'exact'] as const, [t, 'ann'] as const]))('search API over %s (%s)', (transportName, mode) => {
  let fixture: FixtureDataset;
  let dataDir: string;
  let engine: EngineHost;
  let harness: Harness;
  let client: ApiClient;
  let datasetId: string;
  let embedder: EmbedderInfo;
  let store: ProjectStore;
  const towers: FakeTextEmbedder[] = [];

  beforeAll(async () => {
    fixture = await makeFixtureDataset({ perClass: 6 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'dh-data-'));
    engine = await createEngine({
      dataDir,
      textTowerLoader: (modelDir) => {
        if (modelDir !== '/models/fake-clip') throw new Error(`unexpected model folder ${modelDir}`);
        const tower = new FakeTextEmbedder(embedder.dim, AXES);
        towers.push(tower);
        return Promise.resolve(tower);
      },
      ...(mode === 'ann' ? { exactSearchMaxPoints: 10 } : {}),
    });
    harness = await connect(transportName, engine);
    client = harness.client;
    datasetId = (await client.call('dataset.open', { root: fixture.root })).id;
    const started = await client.call('job.analyze', { datasetId, model: 'pixels' });
    const done = await finalStatus(client, started.jobId);
    expect(done.state).toBe('done');
    // Above the exact-search limit the analysis builds the graph, so the first search does not wait for it.
    expect(done.timingsMs?.['search-index'] !== undefined).toBe(mode === 'ann');
    const summary = await client.call('dataset.summary', { datasetId });
    if (!summary.embedder) throw new Error('no embedder');
    embedder = summary.embedder;
    store = ProjectStore.openForDataset(dataDir, fixture.root);
  }, 120_000);

  afterAll(async () => {
    store.close();
    await harness.close();
    await engine.close();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says why text features are unavailable when the embedder has no text tower', async () => {
    for (const call of [
      client.call('search.text', { datasetId, text: 'a cat' }),
      client.call('labels.zeroShot', { datasetId }),
      client.call('clusters.name', { datasetId }),
    ]) {
      const err = await rejectedApiError(call);
      expect(err.code).toBe('no-text-tower');
      expect(err.message).toMatch(/Basic pixels embedder.*has no text tower.*CLIP model folder/);
    }
    const clusters = await client.call('dataset.clusters', { datasetId });
    expect(clusters.every((c) => c.name === null)).toBe(true);
  });

  it('finds similar images: the image itself first, ranks as brute force, excluded on request', async () => {
    const count = store.imageCount();
    for (const index of [0, 7, count - 1]) {
      const hits = await client.call('search.similar', { datasetId, index, topK: 5 });
      expect(hits.indices).toBeInstanceOf(Uint32Array);
      expect(hits.scores).toBeInstanceOf(Float32Array);
      expect(hits.indices[0]).toBe(index);
      expect(hits.scores[0]).toBeCloseTo(1, 5);
      const emb = store.loadEmbeddings(embedder.id)!;
      const row = Array.from(emb.idxs).indexOf(index);
      const query = emb.data.slice(row * emb.dim, (row + 1) * emb.dim);
      expect(Array.from(hits.indices)).toEqual(bruteForce(store, embedder.id, query).slice(0, 5));
      for (let i = 1; i < hits.scores.length; i += 1) expect(hits.scores[i]!).toBeLessThanOrEqual(hits.scores[i - 1]!);

      const without = await client.call('search.similar', { datasetId, index, topK: 5, excludeQuery: true });
      expect(Array.from(without.indices)).toEqual(bruteForce(store, embedder.id, query, [index]).slice(0, 5));
    }
    const several = await client.call('search.similar', { datasetId, indices: Uint32Array.of(0, 1), topK: 3 });
    expect(several.indices.length).toBe(3);
    expect((await rejectedApiError(client.call('search.similar', { datasetId, index: 10_000 }))).code).toBe('not-embedded');
    expect((await rejectedApiError(client.call('search.similar', { datasetId, index: 0, topK: 0 }))).code).toBe('bad-request');
  });

  it('with a text tower: text search ranks as brute force, zero-shot columns and cluster names are stored', async () => {
    // What resolving a CLIP model folder records; set here so a fake tower stands in for the real one.
    store.saveEmbedder({ ...embedder, modelDir: '/models/fake-clip' });

    const hits = await client.call('search.text', { datasetId, text: 'a photo of a dog', topK: 4 });
    const dogAxis = new Float32Array(embedder.dim);
    dogAxis[AXES.dog] = 1;
    expect(Array.from(hits.indices)).toEqual(bruteForce(store, embedder.id, dogAxis).slice(0, 4));
    expect(towers.at(-1)?.encoded.at(-1)).toBe('a photo of a dog');

    const columns = await client.call('labels.zeroShot', { datasetId, templates: ['a photo of a {}.'] });
    expect(columns.map((c) => c.name)).toEqual(['zero_shot_label', 'zero_shot_confidence', 'zero_shot_agrees']);
    const label = columns[0]!;
    if (label.kind !== 'category') throw new Error('zero_shot_label is not a category');
    expect(label.categories).toEqual(['cat', 'dog', 'fish']);
    expect(label.codes).toBeInstanceOf(Int32Array);
    // Each image's label is the axis (0, 1, 2) its embedding is largest on; its confidence the softmax at scale 100.
    const emb = store.loadEmbeddings(embedder.id)!;
    emb.idxs.forEach((idx, row) => {
      const v = [0, 1, 2].map((d) => emb.data[row * emb.dim + d] as number);
      const best = v.indexOf(Math.max(...v));
      expect(label.codes[idx]).toBe(best);
      const confidence = columns[1]!;
      if (confidence.kind !== 'number') throw new Error('not a number column');
      const z = v.reduce((s, x) => s + Math.exp(100 * (x - v[best]!)), 0);
      expect(confidence.values[idx]).toBeCloseTo(1 / z, 4);
    });
    const scores = await client.call('dataset.scores', { datasetId });
    expect(scores.map((c) => c.name)).toEqual(expect.arrayContaining(['zero_shot_label', 'zero_shot_confidence', 'zero_shot_agrees']));

    const named = await client.call('clusters.name', { datasetId, words: ['cat', 'dog', 'fish'] });
    expect(named.length).toBeGreaterThan(0);
    for (const c of named) expect(['cat', 'dog', 'fish']).toContain(c.name);
    expect((await client.call('dataset.clusters', { datasetId })).map((c) => c.name)).toEqual(named.map((c) => c.name));

    const bad = await rejectedApiError(client.call('labels.zeroShot', { datasetId, templates: ['no slot'] }));
    expect(bad.code).toBe('bad-request');
    expect((await rejectedApiError(client.call('search.text', { datasetId, text: '  ' }))).code).toBe('bad-request');
  });

  it.runIf(mode === 'ann')('keeps the ANN graph on disk beside the store', () => {
    const dir = path.join(path.dirname(store.db.name), 'search');
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.usearch'))).toHaveLength(1);
  });
});
