import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../../shared/model/dataset';
import type { ModelListEntry, ModelsListResult } from '../../../../shared/model/models';
import { analysisModel, applyDownloadProgress, downloadablePrecisions, modelOffer, rowState, type DownloadsByModel } from './models-state';

describe('modelOffer', () => {
  const none: ModelsListResult = { cacheDir: '/cache', models: [model('b32', []), model('b16', [])], defaultModel: 'pixels' };

  it('offers the first catalogue model, with its smallest download, while the map comes from the pixels embedder', () => {
    expect(modelOffer('pixels-v1', none)).toMatch(/^This map uses the basic pixels embedder.*Download B32 \(from 300 B\) for CLIP embeddings/);
  });

  it('says nothing once a model is installed, for other embedders, or before the list arrived', () => {
    expect(modelOffer('pixels-v1', { ...none, models: [model('b32', ['fp16'])], defaultModel: 'b32' })).toBeNull();
    expect(modelOffer('import:abc', none)).toBeNull();
    expect(modelOffer(null, none)).toBeNull();
    expect(modelOffer('pixels-v1', null)).toBeNull();
  });
});

const model = (id: string, installed: ModelListEntry['installed'], kind: ModelListEntry['kind'] = 'catalogue'): ModelListEntry => ({
  id,
  name: id.toUpperCase(),
  kind,
  source: kind === 'catalogue' ? { repo: `o/${id}`, revision: 'main' } : { importedFrom: `/models/${id}` },
  installed,
  available: kind === 'catalogue' ? ['fp32', 'fp16'] : installed,
  bytesByPrecision: { fp32: 600, fp16: 300 },
  textAvailable: installed.length > 0,
  embeddingDim: 512,
  dir: `/cache/${id}`,
  notes: [],
});
const job = (jobId: string, state: JobStatus['state'], done = 0, total = 0, error?: string): JobStatus => ({
  jobId,
  datasetId: 'models',
  kind: 'download',
  state,
  stage: 'Downloading',
  done,
  total,
  ...(error ? { error } : {}),
});

describe('download progress', () => {
  it('follows its own job and ignores late running updates after the end', () => {
    let downloads: DownloadsByModel = new Map([['b32', { precision: 'fp16', job: job('j1', 'running') }]]);
    downloads = applyDownloadProgress(downloads, job('j1', 'running', 150, 300));
    expect(rowState(model('b32', []), downloads)).toEqual({ kind: 'downloading', precision: 'fp16', fraction: 0.5, doneBytes: 150, totalBytes: 300, jobId: 'j1' });
    expect(applyDownloadProgress(downloads, job('other', 'running', 1, 2))).toBe(downloads);
    downloads = applyDownloadProgress(downloads, job('j1', 'failed', 150, 300, 'disk full'));
    expect(applyDownloadProgress(downloads, job('j1', 'running', 200, 300))).toBe(downloads);
    expect(rowState(model('b32', []), downloads)).toEqual({ kind: 'idle', failed: 'disk full' });
  });

  it('offers only the precisions not installed yet, and none for imported models', () => {
    expect(downloadablePrecisions(model('b32', ['fp32']))).toEqual(['fp16']);
    expect(downloadablePrecisions(model('local-1', ['fp32'], 'imported'))).toEqual([]);
  });
});

describe('analysisModel', () => {
  const list: ModelsListResult = { cacheDir: '/cache', models: [model('b32', ['fp32']), model('b16', []), model('local-1', ['fp32'], 'imported')], defaultModel: 'b32' };

  it('is the engine default unless the user chose an installed model', () => {
    expect(analysisModel(list, null)).toEqual({ id: 'b32', name: 'B32', chosen: false });
    expect(analysisModel(list, 'local-1')).toEqual({ id: 'local-1', name: 'LOCAL-1', chosen: true });
    expect(analysisModel(list, 'b16')).toEqual({ id: 'b32', name: 'B32', chosen: false }); // not installed
    expect(analysisModel({ ...list, defaultModel: 'pixels' }, null)).toEqual({ id: 'pixels', name: 'Basic pixels embedder (no model)', chosen: false });
  });
});
