import { describe, expect, it } from 'vitest';
import type { EmbedResult, Embedder, PreparedBatch } from './embedder.js';
import { attributeRunFailures, midRunFailureMessage, ProviderRunError } from './provider-failure.js';

/** Batches of paths; a path 'lost' makes its batch's model run throw, 'unreadable' fails to decode (per image). */
function fakeEmbedder(): Embedder & { closed: boolean; discarded: number } {
  const embedder = {
    info: { id: 'fake', name: 'Fake', dim: 1, executionProvider: 'webgpu' },
    batchSize: 2,
    closed: false,
    discarded: 0,
    async prepare(absPaths: readonly string[]): Promise<PreparedBatch> {
      return {
        size: absPaths.length,
        discard: () => {
          embedder.discarded++;
        },
        embed: async (): Promise<EmbedResult> => {
          if (absPaths.includes('lost')) throw new Error('Device lost: the GPU was reset');
          const failed = absPaths.flatMap((p, index) => (p === 'unreadable' ? [{ index, reason: `${p}: not an image` }] : []));
          return { vectors: new Float32Array(absPaths.length).fill(1), failed };
        },
      };
    },
    async embedFiles(absPaths: readonly string[]): Promise<EmbedResult> {
      return (await embedder.prepare(absPaths)).embed();
    },
    async close(): Promise<void> {
      embedder.closed = true;
    },
  };
  return embedder;
}

describe('attributeRunFailures', () => {
  it('turns a failing model run into a ProviderRunError naming the provider, keeping the cause', async () => {
    const wrapped = attributeRunFailures(fakeEmbedder(), 'webgpu');
    const batch = await wrapped.prepare(['a', 'lost']);
    const failure = await batch.embed().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderRunError);
    expect(failure).toMatchObject({ provider: 'webgpu', reason: 'Device lost: the GPU was reset', message: 'The webgpu execution provider failed during a run: Device lost: the GPU was reset' });
    expect((failure as Error).cause).toBeInstanceOf(Error);
    await expect(wrapped.embedFiles(['lost'])).rejects.toBeInstanceOf(ProviderRunError);
  });

  it('leaves per-image decode failures and everything else as they were', async () => {
    const inner = fakeEmbedder();
    const wrapped = attributeRunFailures(inner, 'webgpu');
    expect(wrapped.info).toBe(inner.info);
    expect(wrapped.batchSize).toBe(2);
    const result = await wrapped.embedFiles(['a', 'unreadable']);
    expect(result.failed).toEqual([{ index: 1, reason: 'unreadable: not an image' }]);
    (await wrapped.prepare(['a'])).discard();
    expect(inner.discarded).toBe(1);
    await wrapped.close();
    expect(inner.closed).toBe(true);
  });
});

describe('midRunFailureMessage', () => {
  it('names the provider, counts the saved work and suggests the CPU', () => {
    expect(midRunFailureMessage({ provider: 'webgpu', reason: 'Device lost.', saved: 1200, total: 5000 })).toBe(
      'The webgpu execution provider failed during embedding: Device lost. 1,200 of 5,000 images were embedded and saved before it failed; they are kept, ' +
        'and the next run embeds only the rest. Run again with --provider cpu (in the app: provider "cpu") to finish on the CPU.',
    );
  });

  it('says when nothing was saved yet, and does not suggest the CPU to the CPU', () => {
    const message = midRunFailureMessage({ provider: 'cpu', reason: 'bad_alloc', saved: 0, total: 10 });
    expect(message).toContain('No image of this run had been saved yet (10 to embed).');
    expect(message).not.toContain('--provider cpu');
  });
});
