/**
 * Find similar after a dataset.open or job.analyze that failed part-way: the store already holds the new image
 * numbering or new vectors, and the engine never reached the point where it used to drop the search index. Every
 * hit must name an image of the store as it is now, with the score its current vector gives.
 */
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type ApiClient } from '../../src/shared/api/client.js';
import type { EngineHost } from '../../src/shared/api/engine.js';
import { createInProcessTransport } from '../../src/shared/api/in-process-transport.js';
import { createEngine } from '../../src/core/engine.js';
import { ProjectStore } from '../../src/core/store/project-store.js';
import { makeFixtureDataset, type FixtureDataset } from '../fixtures/make-dataset.js';
import { finalStatus } from '../contract/transports.js';

describe('search after a job that failed part-way', () => {
  let fixture: FixtureDataset;
  let dataDir: string;
  let engine: EngineHost;
  let client: ApiClient;
  let reader: ProjectStore;
  let datasetId: string;

  beforeAll(async () => {
    fixture = await makeFixtureDataset({ perClass: 6, withPredictions: false });
    dataDir = mkdtempSync(path.join(tmpdir(), 'dh-stale-index-'));
    engine = await createEngine({ dataDir, providers: ['cpu'] });
    client = createClient(createInProcessTransport(engine));
    datasetId = (await client.call('dataset.open', { root: fixture.root })).id;
    const started = await client.call('job.analyze', { datasetId, model: 'pixels' });
    expect((await finalStatus(client, started.jobId)).state).toBe('done');
    reader = ProjectStore.openForDataset(dataDir, fixture.root);
  }, 60_000);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    reader.close();
    client.close();
    await engine.close();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every hit of find-similar for `query` against cosine similarity over the vectors the store holds now. */
  const expectCurrentHits = async (query: number): Promise<void> => {
    const embedderId = reader.listEmbedders()[0]!.id;
    const emb = reader.loadEmbeddings(embedderId)!;
    const unit = (idx: number): Float32Array => {
      const row = emb.idxs.indexOf(idx);
      expect(row, `image ${idx} has a vector`).toBeGreaterThanOrEqual(0);
      const v = emb.data.slice(row * emb.dim, (row + 1) * emb.dim);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const q = unit(query);
    const hits = await client.call('search.similar', { datasetId, index: query, topK: 1000 });
    expect([...hits.indices].sort((a, b) => a - b)).toEqual(Array.from(emb.idxs));
    hits.indices.forEach((idx, i) => {
      const v = unit(idx);
      expect(hits.scores[i]).toBeCloseTo(v.reduce((s, x, d) => s + x * (q[d] as number), 0), 4);
    });
  };

  it('a dataset.open that fails after the rescan renumbered the images', async () => {
    await expectCurrentHits(3); // builds and caches the index
    unlinkSync(path.join(fixture.root, fixture.images[0]!)); // every other image moves one idx down
    const original = ProjectStore.prototype.replaceProblems;
    vi.spyOn(ProjectStore.prototype, 'replaceProblems').mockImplementation(function (this: ProjectStore, stage, problems) {
      if (stage === 'scan') throw new Error('disk full');
      original.call(this, stage, problems);
    });
    await expect(client.call('dataset.open', { root: fixture.root })).rejects.toThrow(/disk full/);
    expect(reader.imageCount()).toBe(fixture.images.length - 1);
    await expectCurrentHits(3);
  });

  it('a job.analyze that fails after it saved new vectors', async () => {
    await sharp({ create: { width: 32, height: 32, channels: 3, background: '#40c080' } })
      .png()
      .toFile(path.join(fixture.root, 'cat', 'aaa-new.png'));
    await client.call('dataset.open', { root: fixture.root });
    const embedderId = reader.listEmbedders()[0]!.id;
    const before = reader.embeddedCount(embedderId);
    await client.call('search.similar', { datasetId, index: 3, topK: 1 }); // caches an index without the new image

    vi.spyOn(ProjectStore.prototype, 'saveLayout').mockImplementation(() => {
      throw new Error('disk full');
    });
    const started = await client.call('job.analyze', { datasetId, model: 'pixels' });
    expect((await finalStatus(client, started.jobId)).state).toBe('failed');
    expect(reader.embeddedCount(embedderId)).toBe(before + 1);
    await expectCurrentHits(3);
  });
});
