import type { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { gaussianClusters } from './clusters.fixture.js';
import { NonFiniteRowsError } from './errors.js';
import { knnLabelAccuracy } from './layout-quality.js';
import { runProjection } from './run-projection.js';

// Records every worker started, so the cancel test can check the thread is really gone.
const spawned = vi.hoisted(() => [] as Worker[]);
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class RecordingWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      spawned.push(this);
    }
  }
  return { ...actual, Worker: RecordingWorker };
});

describe('runProjection (worker thread)', () => {
  it('lays out 3 gaussian clusters with progress and previews, keeping clusters apart', async () => {
    const fixture = gaussianClusters(3, 100, 16);
    const progress: Array<[number, number]> = [];
    const previews: Float32Array[] = [];
    const xy = await runProjection({
      data: fixture.data.slice(),
      rows: fixture.rows,
      cols: fixture.cols,
      params: { seed: 42 },
      onProgress: (epoch, total) => progress.push([epoch, total]),
      onPreview: (preview) => previews.push(preview),
    });
    expect(progress[0]).toEqual([0, 500]);
    expect(progress.at(-1)).toEqual([500, 500]);
    expect(previews.length).toBe(9);
    expect(previews.every((p) => p.length === 600)).toBe(true);
    expect(xy).toBeInstanceOf(Float32Array);
    expect(xy.length).toBe(600);
    expect(xy.every((v) => Number.isFinite(v))).toBe(true);
    expect(knnLabelAccuracy(xy, fixture.labels, 5)).toBeGreaterThan(0.9);
  });

  it('gives the same layout in a worker as for the same seed run again', async () => {
    const fixture = gaussianClusters(2, 20, 4);
    const run = () => runProjection({ data: fixture.data.slice(), rows: fixture.rows, cols: fixture.cols, params: { nEpochs: 30 } });
    expect(await run()).toEqual(await run());
  });

  it('on abort after the first progress event rejects quickly with AbortError and ends the worker', async () => {
    const fixture = gaussianClusters(3, 300, 16);
    const controller = new AbortController();
    let abortedAtMs = 0;
    const promise = runProjection({
      data: fixture.data,
      rows: fixture.rows,
      cols: fixture.cols,
      signal: controller.signal,
      onProgress: () => {
        if (abortedAtMs === 0) {
          abortedAtMs = performance.now();
          controller.abort();
        }
      },
    });
    const worker = spawned.at(-1)!;
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    const rejectAfterAbortMs = performance.now() - abortedAtMs;
    expect(rejectAfterAbortMs).toBeLessThan(1000);
    expect(worker.threadId).toBe(-1);
  });

  it('aborts a two-thread run during the epochs: rejects quickly and ends the projection worker', async () => {
    const fixture = gaussianClusters(3, 200, 16);
    const controller = new AbortController();
    let abortedAtMs = 0;
    const promise = runProjection({
      data: fixture.data,
      rows: fixture.rows,
      cols: fixture.cols,
      params: { threads: 2, nEpochs: 5000 },
      signal: controller.signal,
      onProgress: (epoch) => {
        if (epoch === 3 && abortedAtMs === 0) {
          abortedAtMs = performance.now();
          controller.abort();
        }
      },
    });
    const worker = spawned.at(-1)!;
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - abortedAtMs).toBeLessThan(1000);
    // Compute threads are children of the projection worker: terminating it ends them too.
    expect(worker.threadId).toBe(-1);
  });

  it('rejects an already aborted signal without starting a worker', async () => {
    const before = spawned.length;
    const fixture = gaussianClusters(2, 10, 3);
    await expect(runProjection({ ...fixture, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(spawned.length).toBe(before);
  });

  it('rejects NaN rows and unavailable methods before transferring the input', async () => {
    const fixture = gaussianClusters(2, 10, 3);
    fixture.data[7] = NaN;
    await expect(runProjection({ ...fixture })).rejects.toBeInstanceOf(NonFiniteRowsError);
    expect(fixture.data.length).toBe(60);

    const clean = gaussianClusters(2, 10, 3);
    // Every contract method is registered now; a name outside the contract stands for one that is not.
    const rejected = runProjection({ ...clean, method: 'pca' as never });
    await expect(rejected).rejects.toBeInstanceOf(ApiError);
    await expect(rejected).rejects.toMatchObject({ code: 'method-unavailable', message: expect.stringMatching(/not available yet/) });
    expect(clean.data.length).toBe(60);
  });

  it('passes an error raised in the worker back with its name and message', async () => {
    const fixture = gaussianClusters(2, 10, 3);
    await expect(runProjection({ ...fixture, params: { nNeighbors: 1 } })).rejects.toMatchObject({
      name: 'RangeError',
      message: 'nNeighbors must be an integer of at least 2, got 1',
    });
  });

  it('ends the run and rejects when a callback throws', async () => {
    const fixture = gaussianClusters(2, 10, 3);
    const promise = runProjection({
      ...fixture,
      onProgress: () => {
        throw new Error('listener broke');
      },
    });
    const worker = spawned.at(-1)!;
    await expect(promise).rejects.toThrow('listener broke');
    expect(worker.threadId).toBe(-1);
  });

  it('transfers a whole buffer but copies a view on part of one', async () => {
    const whole = gaussianClusters(2, 5, 3);
    await runProjection({ ...whole, params: { nEpochs: 5 } });
    expect(whole.data.length).toBe(0);

    const big = new Float32Array(40).fill(1);
    const view = big.subarray(4, 34);
    view.forEach((_, i) => (view[i] = i));
    const xy = await runProjection({ data: view, rows: 10, cols: 3, params: { nEpochs: 5 } });
    expect(xy.length).toBe(20);
    expect(big.length).toBe(40);
    expect(view[29]).toBe(29);
  });
});
