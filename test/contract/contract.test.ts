/**
 * One suite of API calls, run over every transport: the in-process one (CLI, tests) and the WebSocket one
 * (browser mode). A host that drops a typed array, an event or an error code fails here.
 */
import { copyFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../src/shared/api/client.js';
import type { EngineHost } from '../../src/shared/api/engine.js';
import { createInProcessTransport } from '../../src/shared/api/in-process-transport.js';
import type { JobStatus } from '../../src/shared/model/dataset.js';
import { createEngine } from '../../src/core/engine.js';
import { rejectedApiError } from './api-error.js';
import { connect, finalStatus, TRANSPORT_NAMES, type Harness } from './transports.js';
import { makeFixtureDataset, type FixtureDataset } from '../fixtures/make-dataset.js';

async function expectApiError(promise: Promise<unknown>, code: string): Promise<void> {
  expect((await rejectedApiError(promise)).code).toBe(code);
}

describe.each(TRANSPORT_NAMES)('API contract over %s', (transportName) => {
  let fixture: FixtureDataset;
  let dataDir: string;
  let engine: EngineHost;
  let harness: Harness;
  let client: ApiClient;
  let datasetId: string;

  beforeAll(async () => {
    fixture = await makeFixtureDataset({ perClass: 8, withBadFiles: true });
    // A per-image metrics file from another tool: one numeric column, one row for an image that does not exist.
    writeFileSync(path.join(fixture.root, 'metrics.csv'), 'path,review_score\ncat/001.png,4.5\ndog/000.png,1\nnope.png,3\n');
    dataDir = mkdtempSync(path.join(tmpdir(), 'dh-data-'));
    engine = await createEngine({ dataDir, initialDataset: fixture.root });
    harness = await connect(transportName, engine);
    client = harness.client;
  });

  afterAll(async () => {
    await harness.close();
    await engine.close();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('app.info names the initial dataset and the capabilities', async () => {
    const info = await client.call('app.info', {});
    expect(info.initialDataset).toEqual({ root: fixture.root });
    expect(info.capabilities.projectionMethods).toContain('umap');
    expect(info.capabilities.writeFiles).toBe(false);
    expect(info.capabilities.executionProviders?.slice(0, 2)).toEqual(['auto', 'cpu']);
  });

  it('dataset.open scans, labels from folders, joins predictions and lists bad files', async () => {
    const scanEvents: JobStatus[] = [];
    const off = client.on('job.progress', (s) => s.kind === 'scan' && scanEvents.push(s));
    const summary = await client.call('dataset.open', { root: fixture.root });
    off();
    datasetId = summary.id;
    expect(summary.labelSource).toBe('folders');
    expect(summary.classes).toEqual(['cat', 'dog', 'fish']);
    // Good images plus the mislabelled-extension PNG (decodable, kept with a warning); the rest are skipped.
    expect(summary.imageCount - summary.skippedCount).toBe(fixture.images.length + 1);
    expect(summary.skippedCount).toBe(3);
    for (const bad of fixture.badFiles) {
      expect(summary.problems.some((p) => p.file === bad.path), `a problem names ${bad.path}`).toBe(true);
    }
    expect(summary.predictions?.matched).toBe(fixture.images.length);
    expect(scanEvents.at(-1)?.state).toBe('done');
  });

  it('job.analyze embeds and lays out with progress and preview events', async () => {
    const previews: Float32Array[] = [];
    const offPreview = client.on('layout.preview', (p) => p.datasetId === datasetId && previews.push(p.xy));
    const started = await client.call('job.analyze', { datasetId, model: 'pixels' });
    const events: JobStatus[] = [];
    const done = await finalStatus(client, started.jobId, events);
    offPreview();
    expect(done.state).toBe('done');
    expect(events.some((e) => e.stage.startsWith('Embedding'))).toBe(true);
    expect(done.timingsMs).toHaveProperty('embed');
    expect(done.timingsMs).toHaveProperty('project');
    expect(previews.length).toBeGreaterThan(0);
    expect(previews.at(-1)).toBeInstanceOf(Float32Array);

    const summary = await client.call('dataset.summary', { datasetId });
    expect(summary.layout?.method).toBe('umap');
    expect(summary.embedder?.id).toBe('pixels-v1');
    expect(summary.embeddedCount).toBe(fixture.images.length + 1);
  });

  it('dataset.points arrives as typed arrays with the predictions joined', async () => {
    const points = await client.call('dataset.points', { datasetId });
    const summary = await client.call('dataset.summary', { datasetId });
    expect(points.count).toBe(summary.imageCount);
    expect(points.xy).toBeInstanceOf(Float32Array);
    expect(points.label).toBeInstanceOf(Int32Array);
    expect(points.correct).toBeInstanceOf(Int8Array);
    expect(points.usable).toBeInstanceOf(Uint8Array);
    expect(points.xy.length).toBe(2 * points.count);
    let placed = 0;
    let wrong = 0;
    for (let i = 0; i < points.count; i += 1) {
      if (points.usable[i] === 1 && Number.isFinite(points.xy[2 * i])) placed += 1;
      if (points.correct[i] === 0) wrong += 1;
    }
    expect(placed).toBe(summary.imageCount - summary.skippedCount);
    // The fixture's predictions get every fourth image wrong.
    expect(wrong).toBe(Math.ceil(fixture.images.length / 4));
  });

  it('dataset.scores, dataset.clusters and dataset.report carry the health scores as typed columns', async () => {
    const points = await client.call('dataset.points', { datasetId });
    const scores = await client.call('dataset.scores', { datasetId });
    const byName = new Map(scores.map((c) => [c.name, c]));
    for (const name of ['confidence', 'loss', 'mislabel_score', 'suggested_label', 'label_issue', 'knn_agreement', 'outlier_score', 'duplicate_of', 'cluster', 'dark', 'blurry']) {
      expect(byName.has(name), `score column ${name}`).toBe(true);
    }
    const mislabel = byName.get('mislabel_score');
    if (mislabel?.kind !== 'number') throw new Error('mislabel_score must be a number column');
    expect(mislabel.values).toBeInstanceOf(Float32Array);
    expect(mislabel.values.length).toBe(points.count);
    // The fixture's wrong predictions put 0.1 on the given label. The images themselves agree with their labels
    // (probe, neighbours), so no score is high, but every one of them must rank above every right prediction.
    const finite = (keep: (i: number) => boolean): number[] => Array.from(mislabel.values).filter((v, i) => keep(i) && Number.isFinite(v));
    const wrong = finite((i) => points.correct[i] === 0);
    const right = finite((i) => points.correct[i] === 1);
    expect(wrong.length).toBe(Math.ceil(fixture.images.length / 4));
    expect(Math.min(...wrong)).toBeGreaterThan(Math.max(...right));
    const cluster = byName.get('cluster');
    expect(cluster?.kind === 'category' && cluster.codes).toBeInstanceOf(Int32Array);

    const clusters = await client.call('dataset.clusters', { datasetId });
    for (const c of clusters) expect(c.size).toBeGreaterThan(0);
    for (let i = 1; i < clusters.length; i += 1) expect((clusters[i - 1] as { weakness: number }).weakness).toBeGreaterThanOrEqual((clusters[i] as { weakness: number }).weakness);

    const { classification } = await client.call('dataset.report', { datasetId });
    expect(classification?.evaluated).toBe(fixture.images.length);
    expect(classification?.accuracy).toBeCloseTo(1 - Math.ceil(fixture.images.length / 4) / fixture.images.length, 6);
    expect(classification?.confusion).toBeInstanceOf(Int32Array);
  });

  it('serves the numeric columns of metrics.csv as scores and in the export', async () => {
    const scores = await client.call('dataset.scores', { datasetId });
    const review = scores.find((c) => c.name === 'review_score');
    if (review?.kind !== 'number') throw new Error('review_score must be a number column');
    expect(review.values[1]).toBe(4.5); // cat/001.png
    expect(Number.isNaN(review.values[0] as number)).toBe(true);
    const summary = await client.call('dataset.summary', { datasetId });
    expect(summary.problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'metrics.csv', line: 4, kind: 'unknown-path' })]));
    const csv = await client.call('export.selection', { datasetId, indices: Uint32Array.from([1]), format: 'csv' });
    const [header, row] = csv.content.trimEnd().split('\n');
    const at = (header ?? '').split(',').indexOf('review_score');
    expect(at).toBeGreaterThan(6);
    expect((row ?? '').split(',')[at]).toBe('4.5');
  });

  it('layout.subset re-projects a selection on its own', async () => {
    // Images 0-7 are cats and 9-16 dogs (8 is the zero-byte cat/zero.png).
    const indices = Uint32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16]);
    const xy = await client.call('layout.subset', { datasetId, indices, seed: 7 });
    expect(xy).toBeInstanceOf(Float32Array);
    expect(xy.length).toBe(2 * indices.length);
    for (const v of xy) expect(Number.isFinite(v) && Math.abs(v) <= 1.0001).toBe(true);
    // #8 is the zero-byte file: it has no embedding to lay out.
    await expectApiError(client.call('layout.subset', { datasetId, indices: Uint32Array.from([0, 8]) }), 'unknown-image');
  });

  it('image.record and image.thumbnail describe one image', async () => {
    const record = await client.call('image.record', { datasetId, index: 0 });
    expect(record.path).toBe('cat/000.png');
    expect(record.label).toBe('cat');
    expect(record.predictedLabel).toBe('dog');
    expect(record.correct).toBe(false);
    const thumb = await client.call('image.thumbnail', { datasetId, index: 0, size: 64 });
    expect(thumb).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(thumb.subarray(0, 4)).toString('latin1')).toBe('RIFF');
  });

  it('export.selection returns CSV and path lists, and refuses host writes in this host', async () => {
    const indices = Uint32Array.from([0, 1, 2]);
    const csv = await client.call('export.selection', { datasetId, indices, format: 'csv' });
    const lines = csv.content.trimEnd().split('\n');
    expect(lines[0]?.startsWith('path,label,predicted_label,confidence,correct,x,y')).toBe(true);
    const header = (lines[0] ?? '').split(',');
    expect(new Set(header).size, 'no column twice (the model confidence is also a score)').toBe(header.length);
    expect(lines).toHaveLength(4);
    expect(lines[1]?.startsWith('cat/000.png,cat,dog,0.8,0,')).toBe(true);
    const paths = await client.call('export.selection', { datasetId, indices, format: 'paths' });
    expect(paths.content).toBe('cat/000.png\ncat/001.png\ncat/002.png\n');
    await expectApiError(client.call('export.selection', { datasetId, indices, format: 'paths', outPath: '/tmp/x.txt' }), 'writes-not-allowed');
  });

  it('errors cross the transport with their codes', async () => {
    await expectApiError(client.call('dataset.summary', { datasetId: 'nope' }), 'dataset-not-open');
    await expectApiError(client.call('image.record', { datasetId, index: 10_000 }), 'unknown-image');
    await expectApiError(client.call('job.cancel', { jobId: 'nope' }), 'unknown-job');
    await expectApiError(client.call('job.analyze', { datasetId, model: 'pixels', provider: ['webgpu', 'tpu'] }), 'unknown-provider');
  });

  it('a cancelled analysis stops, and the next one resumes and finishes', async () => {
    const other = await makeFixtureDataset({ perClass: 30, withPredictions: false });
    try {
      const summary = await client.call('dataset.open', { root: other.root });
      const started = await client.call('job.analyze', { datasetId: summary.id, model: 'pixels' });
      const final = finalStatus(client, started.jobId);
      await client.call('job.cancel', { jobId: started.jobId });
      expect((await final).state).toBe('cancelled');
      const again = await client.call('job.analyze', { datasetId: summary.id, model: 'pixels' });
      expect((await finalStatus(client, again.jobId)).state).toBe('done');
      const after = await client.call('dataset.summary', { datasetId: summary.id });
      expect(after.embeddedCount).toBe(other.images.length);
      expect(after.layout?.pointCount).toBe(other.images.length);
    } finally {
      rmSync(other.root, { recursive: true, force: true });
    }
  });

  it('places a few new images into the existing map instead of refitting it', async () => {
    const grow = await makeFixtureDataset({ perClass: 20, withPredictions: false });
    try {
      const first = await client.call('dataset.open', { root: grow.root });
      const run = async (): Promise<JobStatus> => finalStatus(client, (await client.call('job.analyze', { datasetId: first.id, model: 'pixels' })).jobId);
      expect((await run()).state).toBe('done');
      const before = await client.call('dataset.points', { datasetId: first.id });
      // One more image in the cat folder: a copy of an existing one.
      copyFileSync(path.join(grow.root, 'cat/000.png'), path.join(grow.root, 'cat/999.png'));
      await client.call('dataset.open', { root: grow.root });
      const placed = await run();
      expect(placed.state).toBe('done');
      const after = await client.call('dataset.points', { datasetId: first.id });
      expect(after.count).toBe(before.count + 1);
      // Old points keep their positions (indices after cat/999 shift by one); the copy lands on its original.
      const newIndex = after.count === before.count + 1 ? 20 : -1;
      expect(after.xy[2 * newIndex]).toBeCloseTo(after.xy[0] as number, 5);
      expect(after.xy[2 * newIndex + 1]).toBeCloseTo(after.xy[1] as number, 5);
      expect(Array.from(after.xy.subarray(0, 40))).toEqual(Array.from(before.xy.subarray(0, 40)));
      expect(Array.from(after.xy.subarray(42))).toEqual(Array.from(before.xy.subarray(40)));
    } finally {
      rmSync(grow.root, { recursive: true, force: true });
    }
  });

  it('re-embeds only files whose content changed: a touched file keeps its vector, a rewritten one is redone', async () => {
    const folder = await makeFixtureDataset({ perClass: 6, withPredictions: false });
    try {
      const first = await client.call('dataset.open', { root: folder.root });
      const analyze = async (): Promise<JobStatus[]> => {
        const events: JobStatus[] = [];
        const done = await finalStatus(client, (await client.call('job.analyze', { datasetId: first.id, model: 'pixels' })).jobId, events);
        expect(done.state).toBe('done');
        return events;
      };
      await analyze();
      // Same bytes, new mtime (a copy tool, a sync): not changed. Another image's bytes in place of one: changed.
      const touched = path.join(folder.root, 'cat/000.png');
      utimesSync(touched, new Date(2001, 1, 1), new Date(2001, 1, 1));
      copyFileSync(path.join(folder.root, 'dog/000.png'), path.join(folder.root, 'cat/001.png'));
      await client.call('dataset.open', { root: folder.root });
      const events = await analyze();
      const embedTotals = events.filter((e) => e.stage.startsWith('Embedding')).map((e) => e.total);
      expect(new Set(embedTotals)).toEqual(new Set([1]));
    } finally {
      rmSync(folder.root, { recursive: true, force: true });
    }
  });

  it('serves no health scores for images that changed since they were computed, until the next analysis', async () => {
    const folder = await makeFixtureDataset({ perClass: 6, withPredictions: false });
    try {
      const first = await client.call('dataset.open', { root: folder.root });
      const analyze = async (): Promise<void> => {
        const done = await finalStatus(client, (await client.call('job.analyze', { datasetId: first.id, model: 'pixels' })).jobId);
        expect(done.state).toBe('done');
      };
      const lengths = async (): Promise<number[]> =>
        (await client.call('dataset.scores', { datasetId: first.id })).map((c) => (c.kind === 'number' ? c.values : c.codes).length);
      await analyze();
      const before = await lengths();
      expect(before.length).toBeGreaterThan(0);
      expect(new Set(before)).toEqual(new Set([first.imageCount]));
      rmSync(path.join(folder.root, 'cat/000.png'));
      const reopened = await client.call('dataset.open', { root: folder.root });
      // The saved columns are for the old numbering: none is served rather than one shifted onto other images.
      expect(await lengths()).toEqual([]);
      expect(await client.call('dataset.clusters', { datasetId: first.id })).toEqual([]);
      await analyze();
      expect(new Set(await lengths())).toEqual(new Set([reopened.imageCount]));
    } finally {
      rmSync(folder.root, { recursive: true, force: true });
    }
  });

  it('reopening in a new engine loads the stored layout without recomputing', async () => {
    const second = await createEngine({ dataDir });
    try {
      const c2 = createClient(createInProcessTransport(second));
      const started = performance.now();
      const summary = await c2.call('dataset.open', { root: fixture.root });
      expect(summary.layout?.method).toBe('umap');
      expect(summary.embeddedCount).toBe(fixture.images.length + 1);
      const job = await c2.call('job.analyze', { datasetId: summary.id, model: 'pixels' });
      const done = await finalStatus(c2, job.jobId);
      expect(done.state).toBe('done');
      // Nothing was left to embed, and the stored layout was kept (no projection stage ran).
      expect(done.timingsMs).not.toHaveProperty('project');
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      await second.close();
    }
  });
});
