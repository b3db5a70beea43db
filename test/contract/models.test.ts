/**
 * The model manager through the real engine, over the in-process and the WebSocket transport: list, a download job
 * with byte progress that can be cancelled and resumes, import errors, analysis with the downloaded model (its
 * folder recorded for the text tower), and removal. Files come from a local stand-in for huggingface.co.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/shared/api/client.js';
import type { EngineHost } from '../../src/shared/api/engine.js';
import type { JobStatus } from '../../src/shared/model/dataset.js';
import { loadClipTextTower } from '../../src/core/embed/clip-text-encoder.js';
import { createEngine } from '../../src/core/engine.js';
import { loadCatalog } from '../../src/core/models/catalog.js';
import { startFakeHub, type FakeHub } from '../../src/core/models/test-helpers/fake-hub.js';
import { serveCatalogModel } from '../../src/core/models/test-helpers/serve-catalog-model.js';
import { modelCatalogFile } from '../../src/core/resources.js';
import { makeFixtureDataset, type FixtureDataset } from '../fixtures/make-dataset.js';
import { connect, finalStatus, TRANSPORT_NAMES, type Harness } from './transports.js';

describe.each(TRANSPORT_NAMES)('models through the engine over %s', (transportName) => {
  let hub: FakeHub;
  let scratch: string;
  let dataDir: string;
  let engine: EngineHost;
  let harness: Harness;
  let client: ApiClient;
  let dataset: FixtureDataset;
  let visionKey: string;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'dh-models-'));
    dataDir = path.join(scratch, 'data');
    hub = await startFakeHub();
    const entry = (await loadCatalog(modelCatalogFile())).models.find((m) => m.id === 'clip-vit-b32')!;
    visionKey = `${entry.source.repo}|${entry.source.revision}|onnx/vision_model.onnx`;
    await serveCatalogModel(hub, entry, path.join(scratch, 'hub-files'));
    dataset = await makeFixtureDataset({ perClass: 2 });
    engine = await createEngine({ dataDir, hfEndpoint: hub.endpoint, providers: ['cpu'] });
    harness = await connect(transportName, engine);
    client = harness.client;
  });

  afterAll(async () => {
    await harness.close();
    await engine.close();
    await hub.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(dataset.root, { recursive: true, force: true });
  });

  it('lists the catalogue with nothing installed and the pixels embedder as the default', async () => {
    const list = await client.call('models.list', {});
    expect(list.cacheDir).toBe(path.join(dataDir, 'models'));
    expect(list.defaultModel).toBe('pixels');
    expect(list.models.map((m) => `${m.id} ${m.kind} [${m.installed.join(',')}] of [${m.available.join(',')}]`)).toEqual([
      'clip-vit-b32 catalogue [] of [fp32,fp16]',
      'clip-vit-b16 catalogue [] of [fp32,fp16]',
    ]);
  });

  it('cancels a download, then resumes it and reports progress in bytes', async () => {
    // The connection drops early again and again; the job waits to retry, and is cancelled meanwhile.
    hub.faults.set(visionKey, { dropAfterBytes: { bytes: 100_000, times: 1000 } });
    const events: JobStatus[] = [];
    const started = await client.call('models.download', { id: 'clip-vit-b32' });
    expect(started).toMatchObject({ kind: 'download', datasetId: 'models', state: 'running' });
    const final = finalStatus(client, started.jobId, events);
    await expect.poll(() => events.some((e) => e.done > 0), { timeout: 10_000 }).toBe(true);
    await client.call('job.cancel', { jobId: started.jobId });
    expect((await final).state).toBe('cancelled');
    expect((await client.call('models.list', {})).models[0]?.installed).toEqual([]);

    hub.faults.clear();
    hub.log.length = 0;
    const resumed = await client.call('models.download', { id: 'clip-vit-b32', precision: 'fp32' });
    const progress: JobStatus[] = [];
    const done = await finalStatus(client, resumed.jobId, progress);
    expect(done.state).toBe('done');
    expect(done.done).toBe(done.total);
    expect(hub.log.find((r) => r.server === 'cdn')?.range).toMatch(/^bytes=\d+-$/);
    const list = await client.call('models.list', {});
    expect(list.models[0]).toMatchObject({ id: 'clip-vit-b32', installed: ['fp32'], textAvailable: true });
    expect(list.defaultModel).toBe('clip-vit-b32');
  });

  it('refuses an unknown model and a file that is not a model, naming it', async () => {
    await expect(client.call('models.download', { id: 'clip-vit-l14' })).rejects.toMatchObject({ code: 'unknown-model' });
    const notModel = path.join(scratch, 'notes.onnx');
    writeFileSync(notModel, 'not a protobuf');
    await expect(client.call('models.import', { path: notModel })).rejects.toMatchObject({ code: 'import-failed', file: notModel, message: expect.stringContaining(`${notModel} is not an ONNX model`) });
  });

  it('analyzes with the downloaded model and records its folder for the text tower', async () => {
    const summary = await client.call('dataset.open', { root: dataset.root });
    const job = await client.call('job.analyze', { datasetId: summary.id, model: 'clip-vit-b32' });
    expect((await finalStatus(client, job.jobId)).state).toBe('done');
    const after = await client.call('dataset.summary', { datasetId: summary.id });
    expect(after.embedder).toMatchObject({ id: 'clip-vit-b32', modelDir: path.join(dataDir, 'models', 'clip-vit-b32') });
    // The text side finds its tower and tokenizer in the downloaded folder.
    const text = await loadClipTextTower(after.embedder!.modelDir!, { providers: ['cpu'], thread: 'main', expectedDim: after.embedder!.dim });
    try {
      expect((await text.encode(['a photo of a cat'])).length).toBe(after.embedder!.dim);
    } finally {
      await text.close();
    }
  });

  it('removes a model', async () => {
    expect(await client.call('models.remove', { id: 'clip-vit-b32' })).toEqual({ removed: true });
    expect((await client.call('models.list', {})).models[0]?.installed).toEqual([]);
    expect(await client.call('models.remove', { id: 'local-000000000000' })).toEqual({ removed: false });
  });
});
