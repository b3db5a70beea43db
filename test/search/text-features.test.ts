/**
 * Text features with a real (tiny, random-weight) CLIP folder: the analysis embeds with its vision tower, the text
 * tower comes from the same folder. Nothing is semantic with random weights, so the checks are mechanical: ranks
 * equal brute force, columns present and stored, names drawn from the vocabulary, user lists remembered.
 */
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../src/shared/api/client.js';
import type { EngineHost } from '../../src/shared/api/engine.js';
import { createInProcessTransport } from '../../src/shared/api/in-process-transport.js';
import { loadZeroShot, namedClusters } from '../../src/core/analyze/text-features.js';
import { TextFeatureService } from '../../src/core/analyze/text-features-service.js';
import { loadClipTextTower, type ClipTextEncoder } from '../../src/core/embed/clip-text-encoder.js';
import { createEngine } from '../../src/core/engine.js';
import { ProjectStore } from '../../src/core/store/project-store.js';
import { makeFixtureDataset, type FixtureDataset } from '../fixtures/make-dataset.js';
import { writeTinyClipFolder } from '../fixtures/models/tiny-clip.js';
import { finalStatus } from '../contract/transports.js';

describe('text features with a tiny CLIP folder', () => {
  let fixture: FixtureDataset;
  let work: string;
  let modelDir: string;
  let engine: EngineHost;
  let client: ApiClient;
  let store: ProjectStore;
  let service: TextFeatureService;
  let tower: ClipTextEncoder;
  let datasetId: string;

  beforeAll(async () => {
    fixture = await makeFixtureDataset({ perClass: 10 });
    work = mkdtempSync(path.join(tmpdir(), 'dh-text-'));
    modelDir = path.join(work, 'tiny-clip');
    await writeTinyClipFolder(modelDir);
    const dataDir = path.join(work, 'data');
    engine = await createEngine({ dataDir, providers: ['cpu'] });
    client = createClient(createInProcessTransport(engine));
    const { id } = await client.call('dataset.open', { root: fixture.root });
    const started = await client.call('job.analyze', { datasetId: id, model: modelDir });
    expect((await finalStatus(client, started.jobId)).state).toBe('done');
    store = ProjectStore.openForDataset(dataDir, fixture.root);
    datasetId = id;
    service = new TextFeatureService({ textTowerLoader: (dir) => loadClipTextTower(dir, { providers: ['cpu'] }) });
    tower = await loadClipTextTower(modelDir, { providers: ['cpu'] });
  }, 120_000);

  afterAll(async () => {
    await tower.close();
    await service.close();
    store.close();
    client.close();
    await engine.close();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('job.analyze with a model folder records the folder, then labels zero-shot and names clusters on its own', async () => {
    expect(store.listEmbedders().map((e) => e.modelDir)).toEqual([modelDir]);
    const scores = await client.call('dataset.scores', { datasetId });
    expect(scores.map((c) => c.name)).toEqual(expect.arrayContaining(['zero_shot_label', 'zero_shot_confidence', 'zero_shot_agrees']));
    const clusters = await client.call('dataset.clusters', { datasetId });
    expect(clusters.length).toBeGreaterThan(0);
    for (const c of clusters) expect(['cat', 'dog', 'fish']).toContain(c.name);
  });

  it('after an analysis: zero-shot columns over the label vocabulary and named clusters, stored', async () => {
    const stages: string[] = [];
    const ctx = { signal: new AbortController().signal, stage: (label: string) => stages.push(label), progress: () => undefined };
    expect(await service.afterAnalyze(store, ctx)).toEqual([]);
    expect(stages).toEqual(['Zero-shot labels and cluster names']);
    const zeroShot = loadZeroShot(store);
    expect(zeroShot?.classes).toEqual(['cat', 'dog', 'fish']);
    expect(zeroShot?.columns.map((c) => c.name)).toEqual(['zero_shot_label', 'zero_shot_confidence', 'zero_shot_agrees']);
    const confidence = zeroShot?.columns[1];
    if (confidence?.kind !== 'number') throw new Error('no confidence column');
    // Softmax over three classes: at least a third, at most one.
    for (const v of confidence.values) {
      expect(v).toBeGreaterThanOrEqual(1 / 3 - 1e-6);
      expect(v).toBeLessThanOrEqual(1 + 1e-6);
    }
    const clusters = namedClusters(store);
    expect(clusters.length).toBeGreaterThan(0);
    for (const c of clusters) expect(['cat', 'dog', 'fish']).toContain(c.name);
  });

  it('text search ranks every image as brute force over the real text embedding', async () => {
    const hits = await service.searchText(store, 'a photo of a fish', 1000);
    const query = await tower.encode(['a photo of a fish']);
    const emb = store.loadEmbeddings(store.listEmbedders()[0]!.id)!;
    const scores = Array.from(emb.idxs, (idx, row) => {
      let s = 0;
      for (let d = 0; d < emb.dim; d += 1) s += (emb.data[row * emb.dim + d] as number) * (query[d] as number);
      return { idx, s };
    }).sort((a, b) => b.s - a.s || a.idx - b.idx);
    expect(hits.indices.length).toBe(emb.idxs.length);
    expect(Array.from(hits.indices)).toEqual(scores.map((x) => x.idx));
    hits.scores.forEach((s, i) => expect(s).toBeCloseTo(scores[i]!.s, 4));
  });

  it('every image is its own nearest neighbour', async () => {
    for (const index of [0, 4, 9]) expect((await service.searchSimilar(store, [index], 1, false)).indices[0]).toBe(index);
  });

  it("remembers a user's class list and word list for the next analysis", async () => {
    await service.zeroShot(store, { classes: ['sky', 'grass'], templates: ['a picture of {}'] });
    await service.nameClusters(store, ['red', 'green', 'blue']);
    await service.afterAnalyze(store, { signal: new AbortController().signal, stage: () => undefined, progress: () => undefined });
    expect(loadZeroShot(store)?.classes).toEqual(['sky', 'grass']);
    expect(loadZeroShot(store)?.templates).toEqual(['a picture of {}']);
    // No labels among the user's classes: agreement is still computed, and is 0 everywhere it applies.
    for (const c of namedClusters(store)) expect(['red', 'green', 'blue']).toContain(c.name);
  });

  it('stops serving zero-shot columns once a rescan renumbered the images, until an analysis recomputes them', async () => {
    const zeroShotNames = async (): Promise<string[]> => (await client.call('dataset.scores', { datasetId })).map((c) => c.name).filter((n) => n.startsWith('zero_shot'));
    const csvHeader = async (): Promise<string> => (await client.call('export.selection', { datasetId, indices: Uint32Array.from([0]), format: 'csv' })).content.split('\n')[0]!;
    expect(await zeroShotNames()).not.toEqual([]);
    expect(await csvHeader()).toMatch(/zero_shot_label/);

    unlinkSync(path.join(fixture.root, fixture.images[0]!));
    await client.call('dataset.open', { root: fixture.root });
    expect(await zeroShotNames()).toEqual([]);
    expect(await csvHeader()).not.toMatch(/zero_shot/);

    // The next analysis applies the user's remembered class list to the images as they are now.
    const again = await client.call('job.analyze', { datasetId, model: modelDir });
    expect((await finalStatus(client, again.jobId)).state).toBe('done');
    const label = (await client.call('dataset.scores', { datasetId })).find((c) => c.name === 'zero_shot_label');
    expect(label?.kind === 'category' && label.categories).toEqual(['sky', 'grass']);
    expect(label?.kind === 'category' && label.codes.length).toBe(fixture.images.length - 1);

    // An analysis with an embedder that has no text tower leaves no CLIP columns behind.
    const pixels = await client.call('job.analyze', { datasetId, model: 'pixels' });
    expect((await finalStatus(client, pixels.jobId)).state).toBe('done');
    expect(await zeroShotNames()).toEqual([]);
    expect(await csvHeader()).not.toMatch(/zero_shot/);
  });
});
