import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { embedInBatches } from './embed-in-batches.js';
import type { EmbedResult, Embedder, PreparedBatch } from './embedder.js';
import { OnnxClipEmbedder } from './onnx-clip-embedder.js';
import { PixelsEmbedder } from './pixels-embedder.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * An embedder whose "images" are paths like 'img-7' (vector [7, 1]) or 'bad-7' (fails), with controllable
 * decode and run times, that records how many batches are held at once.
 */
class FakeEmbedder implements Embedder {
  readonly info = { id: 'fake', name: 'fake', dim: 2, executionProvider: 'none' };
  held = 0;
  maxHeld = 0;
  prepared = 0;
  discarded = 0;
  readonly events: string[] = [];

  constructor(
    readonly batchSize: number,
    private readonly decodeMs: number,
    private readonly runMs: number,
  ) {}

  async prepare(absPaths: readonly string[], signal?: AbortSignal): Promise<PreparedBatch> {
    this.held++;
    this.maxHeld = Math.max(this.maxHeld, this.held);
    this.events.push(`decode ${absPaths[0]}`);
    await sleep(this.decodeMs);
    if (signal?.aborted) {
      this.held--;
      throw signal.reason;
    }
    this.prepared++;
    let done = false;
    const finish = (): void => {
      if (!done) this.held--;
      done = true;
    };
    return {
      size: absPaths.length,
      discard: () => {
        if (!done) this.discarded++;
        finish();
      },
      embed: async (): Promise<EmbedResult> => {
        this.events.push(`run ${absPaths[0]}`);
        await sleep(this.runMs);
        finish();
        const vectors = new Float32Array(absPaths.length * 2);
        const failed = [];
        for (const [i, path] of absPaths.entries()) {
          const n = Number(path.split('-')[1]);
          if (path.startsWith('bad')) failed.push({ index: i, reason: `cannot decode ${path}` });
          else vectors.set([n, 1], i * 2);
        }
        return { vectors, failed };
      },
    };
  }

  async embedFiles(absPaths: readonly string[]): Promise<EmbedResult> {
    return (await this.prepare(absPaths)).embed();
  }

  async close(): Promise<void> {}
}

const paths = (n: number, bad: number[] = []): string[] => Array.from({ length: n }, (_, i) => (bad.includes(i) ? `bad-${i}` : `img-${i}`));

describe('embedInBatches (pipeline mechanics)', () => {
  it('delivers every image once, in batches, with the caller’s indices; failures go to onFailed', async () => {
    const embedder = new FakeEmbedder(3, 1, 1);
    const absPaths = paths(8, [4]);
    const idxs = absPaths.map((_, i) => 100 + i);
    const delivered: [number, number][] = [];
    const failures: [number, string][] = [];
    const progress: number[] = [];
    const summary = await embedInBatches({
      embedder,
      absPaths,
      idxs,
      onBatch: (batchIdxs, vectors) => {
        expect(vectors.length).toBe(batchIdxs.length * 2);
        batchIdxs.forEach((idx, row) => delivered.push([idx, vectors[row * 2] as number]));
      },
      onFailed: (idx, reason) => failures.push([idx, reason]),
      onProgress: (done, total) => {
        expect(total).toBe(8);
        progress.push(done);
      },
    });
    expect(summary).toEqual({ embedded: 7, failed: 1 });
    expect(delivered).toEqual([0, 1, 2, 3, 5, 6, 7].map((i) => [100 + i, i]));
    expect(failures).toEqual([[104, 'cannot decode bad-4']]);
    expect(progress).toEqual([3, 6, 8]);
  });

  it('decodes the next batch while the current one runs, holding a bounded number of batches', async () => {
    const embedder = new FakeEmbedder(2, 5, 20);
    await embedInBatches({ embedder, absPaths: paths(20), idxs: paths(20).map((_, i) => i), prefetchBatches: 2, onBatch: () => undefined, onFailed: () => undefined });
    // Batch 1 starts decoding before batch 0 runs.
    expect(embedder.events.indexOf('decode img-2')).toBeLessThan(embedder.events.indexOf('run img-0'));
    expect(embedder.maxHeld).toBeLessThanOrEqual(3); // the running batch + 2 prefetched
    expect(embedder.held).toBe(0);
  });

  it('stops promptly on abort, frees the prefetched batches and rejects with the reason', async () => {
    const embedder = new FakeEmbedder(2, 30, 5);
    const controller = new AbortController();
    let batches = 0;
    const started = Date.now();
    const run = embedInBatches({
      embedder,
      absPaths: paths(40),
      idxs: paths(40).map((_, i) => i),
      signal: controller.signal,
      onBatch: () => {
        batches++;
        if (batches === 2) setTimeout(() => controller.abort(new Error('cancelled by user')), 5);
      },
      onFailed: () => undefined,
    });
    await expect(run).rejects.toThrow('cancelled by user');
    expect(Date.now() - started).toBeLessThan(400); // 20 batches would take ≥ 600 ms
    expect(batches).toBeLessThanOrEqual(3);
    await sleep(80); // let the in-flight decodes settle
    expect(embedder.held).toBe(0);
  });

  it('rejects a mismatched index list', async () => {
    await expect(
      embedInBatches({ embedder: new FakeEmbedder(2, 0, 0), absPaths: paths(3), idxs: [0, 1], onBatch: () => undefined, onFailed: () => undefined }),
    ).rejects.toThrow('idxs has 2 entries for 3 paths');
  });
});

describe('embedInBatches with real embedders', () => {
  let dir: string;
  let images: string[];
  let corrupt: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'embed-batches-'));
    images = [];
    for (let i = 0; i < 11; i++) {
      const path = join(dir, `img-${i}.png`);
      await sharp({ create: { width: 40 + i, height: 30, channels: 3, background: { r: 20 * i, g: 255 - 20 * i, b: 90 } } })
        .png()
        .toFile(path);
      images.push(path);
    }
    corrupt = join(dir, 'corrupt.png');
    await writeFile(corrupt, 'not a png');
    images.splice(5, 0, corrupt);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the tiny CLIP model end to end: unit vectors of 512 and the corrupt file in onFailed', async () => {
    const embedder = await OnnxClipEmbedder.load(await writeTinyClipModel(join(dir, 'tiny.onnx')), { id: 't', name: 't', providers: ['cpu'], batchSize: 4 });
    try {
      const rows = new Map<number, Float32Array>();
      const failures: string[] = [];
      await embedInBatches({
        embedder,
        absPaths: images,
        idxs: images.map((_, i) => i),
        onBatch: (idxs, vectors) => idxs.forEach((idx, row) => rows.set(idx, vectors.slice(row * 512, (row + 1) * 512))),
        onFailed: (idx, reason) => failures.push(`${idx}: ${reason}`),
      });
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(new RegExp(`^5: Cannot decode image ${corrupt}`));
      expect([...rows.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
      for (const vector of rows.values()) expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    } finally {
      await embedder.close();
    }
  });

  it('stops a pixels run early when cancelled', async () => {
    const controller = new AbortController();
    let delivered = 0;
    const run = embedInBatches({
      embedder: new PixelsEmbedder(2),
      absPaths: images,
      idxs: images.map((_, i) => i),
      signal: controller.signal,
      prefetchBatches: 1,
      onBatch: (idxs) => {
        delivered += idxs.length;
        controller.abort();
      },
      onFailed: () => undefined,
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(delivered).toBe(2);
  });
});
