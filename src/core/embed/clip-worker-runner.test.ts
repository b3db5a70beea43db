import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { CLIP_FLOATS_PER_IMAGE } from '../decode/clip-preprocess.js';
import { resolveClipWorkerUrl, WorkerClipRunner } from './clip-worker-runner.js';

let dir: string;
let modelPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clip-worker-'));
  modelPath = await writeTinyClipModel(join(dir, 'tiny.onnx'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('WorkerClipRunner', () => {
  it('finds the worker script beside its module', () => {
    expect(resolveClipWorkerUrl()?.pathname).toMatch(/clip-inference\.worker\.(ts|js)$/);
    expect(resolveClipWorkerUrl('file:///nowhere/at/all.js')).toBeNull();
  });

  it('moves the batch buffer to the worker and back, and finishes a run started before release', async () => {
    const runner = await WorkerClipRunner.load(resolveClipWorkerUrl() as URL, modelPath, ['cpu']);
    expect(runner.info).toEqual({ provider: 'cpu', skipped: [], dim: 512, input: 'float' });
    const batch = new Float32Array(3 * CLIP_FLOATS_PER_IMAGE).fill(0.5);
    const running = runner.run(batch, 2);
    expect(batch.length).toBe(0); // transferred, not copied
    const released = runner.release();
    const result = await running;
    expect(result.embeds.length).toBe(2 * 512);
    expect(result.batch.length).toBe(3 * CLIP_FLOATS_PER_IMAGE);
    expect(result.batch[CLIP_FLOATS_PER_IMAGE * 3 - 1]).toBe(0.5);
    await released;
    await expect(runner.run(new Float32Array(CLIP_FLOATS_PER_IMAGE), 1)).rejects.toThrow('released');
  });

  it('reports a run error without losing the worker', async () => {
    const runner = await WorkerClipRunner.load(resolveClipWorkerUrl() as URL, modelPath, ['cpu']);
    try {
      await expect(runner.run(new Float32Array(10), 1)).rejects.toThrow();
      expect((await runner.run(new Float32Array(CLIP_FLOATS_PER_IMAGE), 1)).embeds.length).toBe(512);
    } finally {
      await runner.release();
    }
  });
});
