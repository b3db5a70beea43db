/**
 * The embed stage with a stand-in model: a provider failing mid-run keeps the batches saved before it and says
 * which provider failed; the providers passed over are recorded for the summary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbedResult, Embedder, PreparedBatch } from '../embed/embedder.js';
import type { ProviderPlan } from '../embed/provider-plan.js';
import type { JobContext } from '../jobs/job-registry.js';
import { ProjectStore, type ScannedImage } from '../store/project-store.js';
import { datasetSummary } from './dataset-views.js';
import { embedMissing } from './embed-stage.js';

const IMAGES = ['a/0.png', 'a/1.png', 'a/2.png', 'a/3.png', 'a/4.png', 'a/5.png'];

const scanned = (path: string): ScannedImage => ({
  path,
  sizeBytes: 100,
  mtimeMs: 1_700_000_000_000,
  width: 8,
  height: 8,
  format: 'png',
  label: 'a',
  labelsRow: null,
  status: 'ok',
  error: null,
});

const ctx = (): JobContext => ({ signal: new AbortController().signal, stage: () => undefined, progress: () => undefined });

/** Embeds each image as [its number]; the model run of a batch holding `failOn` throws as a lost GPU would. */
function standIn(provider: string, failOn: string | null, seen: string[], notices: string[] = [], preprocessing?: string): Embedder {
  return {
    info: { id: 'stand-in', name: 'Stand-in CLIP', dim: 1, executionProvider: provider, ...(preprocessing ? { preprocessing } : {}) },
    batchSize: 2,
    notices,
    async prepare(absPaths: readonly string[]): Promise<PreparedBatch> {
      return {
        size: absPaths.length,
        discard: () => undefined,
        embed: async (): Promise<EmbedResult> => {
          if (failOn !== null && absPaths.some((p) => p.endsWith(failOn))) throw new Error('Device lost (VK_ERROR_DEVICE_LOST)');
          seen.push(...absPaths);
          return { vectors: Float32Array.from(absPaths, () => 1), failed: [] };
        },
      };
    },
    async embedFiles(absPaths: readonly string[]): Promise<EmbedResult> {
      return (await this.prepare(absPaths)).embed();
    },
    close: async () => undefined,
  };
}

const plan = (overrides: Partial<ProviderPlan> = {}): ProviderPlan => ({ providers: ['webgpu', 'cpu'], excluded: [], strict: false, requested: 'auto', ...overrides });

let store: ProjectStore;
beforeEach(() => {
  store = ProjectStore.open(':memory:');
  store.replaceScan(IMAGES.map(scanned));
  store.setMeta({ root: '/data/set', labelSource: 'folders', classes: ['a'] });
});
afterEach(() => store.close());

describe('embedMissing', () => {
  it('keeps the batches saved before a provider fails mid-run, names the provider and suggests the CPU', async () => {
    const seen: string[] = [];
    const run = embedMissing(store, { root: '/data/set', modelCacheDir: '/models', providerPlan: plan() }, ctx(), async () => standIn('webgpu', 'a/4.png', seen));
    await expect(run).rejects.toThrow(
      'The webgpu execution provider failed during embedding: Device lost (VK_ERROR_DEVICE_LOST). 4 of 6 images were embedded and saved before it failed; ' +
        'they are kept, and the next run embeds only the rest. Run again with --provider cpu',
    );
    expect(store.embeddedCount('stand-in')).toBe(4);

    // The rerun (e.g. on the CPU) embeds only the two that were missing.
    const rerun: string[] = [];
    await embedMissing(store, { root: '/data/set', modelCacheDir: '/models', providerPlan: plan({ providers: ['cpu'], strict: true, requested: 'cpu' }) }, ctx(), async () =>
      standIn('cpu', null, rerun),
    );
    expect(rerun).toEqual(['/data/set/a/4.png', '/data/set/a/5.png']);
    expect(store.embeddedCount('stand-in')).toBe(6);
  });

  it('records the providers left out for the summary, and clears them when a later run skips none', async () => {
    const excluded = [{ provider: 'cuda', reason: 'the CUDA provider library is not installed' }];
    await embedMissing(store, { root: '/data/set', modelCacheDir: '/models', providerPlan: plan({ excluded }) }, ctx(), async (_spec, options) => {
      expect(options.providers).toEqual(['webgpu', 'cpu']);
      expect(typeof options.batchSize === 'function' && options.batchSize('webgpu')).toBe(128);
      return standIn('webgpu', null, []);
    });
    const summary = datasetSummary(store, 'id');
    expect(summary.embedder).toEqual({
      id: 'stand-in',
      name: 'Stand-in CLIP',
      dim: 1,
      executionProvider: 'webgpu',
      skippedProviders: [{ provider: 'cuda', stage: 'unavailable', reason: 'the CUDA provider library is not installed' }],
    });
    // No model problems from a provider merely not installed: those are for providers that were tried and failed.
    expect(summary.problems).toEqual([]);

    await embedMissing(store, { root: '/data/set', modelCacheDir: '/models', providerPlan: plan({ providers: ['webgpu'], strict: true }) }, ctx(), async () => standIn('webgpu', null, []));
    expect(datasetSummary(store, 'id').embedder).not.toHaveProperty('skippedProviders');
  });

  it("lists the embedder's notices (a model run from floats, and why) among the problems", async () => {
    const notice = 'Stand-in CLIP runs from normalised floats, without an RGB-input copy (slower, most of all on a GPU): a subgraph reads pixel_values';
    await embedMissing(store, { root: '/data/set', modelCacheDir: '/models', providerPlan: plan() }, ctx(), async () => standIn('webgpu', null, [], [notice]));
    expect(datasetSummary(store, 'id').problems).toEqual([expect.objectContaining({ file: 'Stand-in CLIP', kind: 'model-input', message: notice })]);
  });

  it('embeds every image again, and says why, once the preprocessing revision changes', async () => {
    const options = { root: '/data/set', modelCacheDir: '/models', providerPlan: plan() };
    // Embeddings of the app before revisions were stored, then of the current one.
    await embedMissing(store, options, ctx(), async () => standIn('webgpu', null, []));
    const upgraded: string[] = [];
    await embedMissing(store, options, ctx(), async () => standIn('webgpu', null, upgraded, [], 'hf-clip-2026-11-27'));
    expect(upgraded).toHaveLength(IMAGES.length);
    expect(datasetSummary(store, 'id').problems).toEqual([
      expect.objectContaining({ file: 'Stand-in CLIP', kind: 'preprocessing-changed', message: expect.stringContaining('every image is embedded again') }),
    ]);

    const again: string[] = [];
    await embedMissing(store, options, ctx(), async () => standIn('webgpu', null, again, [], 'hf-clip-2026-11-27'));
    expect(again).toEqual([]);
    expect(store.embeddedCount('stand-in')).toBe(IMAGES.length);
    expect(datasetSummary(store, 'id').problems).toEqual([]);
  });
});
