import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { parseCatalog } from './catalog.js';
import { createModelHandlers } from './model-handlers.js';

const tensor = (name: string, dtype: string, shape: (number | string)[]) => ({ name, dtype, shape });
const catalog = parseCatalog(
  JSON.stringify({
    format: 1,
    models: [
      {
        id: 'tiny-clip',
        name: 'Tiny CLIP',
        source: { repo: 'tester/tiny-clip', revision: 'main' },
        embeddingDim: 512,
        contextLength: 77,
        preprocess: { imageSizePx: 224, resize: 'shortest-side', crop: 'center', interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
        vision: { input: tensor('pixel_values', 'float32', ['batch', 3, 224, 224]), output: tensor('image_embeds', 'float32', ['batch', 512]) },
        text: { inputs: [tensor('input_ids', 'int64', ['batch', 'sequence'])], output: tensor('text_embeds', 'float32', ['batch', 512]) },
        files: [
          { path: 'onnx/vision_model.onnx', role: 'vision', precision: 'fp32', approxBytes: 1000 },
          { path: 'onnx/vision_model_fp16.onnx', role: 'vision', precision: 'fp16', approxBytes: 500 },
          { path: 'onnx/text_model.onnx', role: 'text', precision: 'fp32', approxBytes: 1000 },
          { path: 'onnx/text_model_fp16.onnx', role: 'text', precision: 'fp16', approxBytes: 500 },
        ],
      },
    ],
  }),
  'test-catalog.json',
);

// A server that takes requests and never answers keeps a download running for as long as the test needs.
let server: Server;
let endpoint: string;
let dir: string;
beforeAll(async () => {
  server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'model-handlers-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('models.download', () => {
  it('returns the running download for the same precision and refuses another precision while it runs', async () => {
    const jobs = new JobRegistry(() => undefined);
    const handlers = createModelHandlers({ modelCacheDir: dir, jobs, endpoint, catalog });
    const fp32 = await handlers['models.download']({ id: 'tiny-clip', precision: 'fp32' });
    expect(fp32.state).toBe('running');
    expect((await handlers['models.download']({ id: 'tiny-clip', precision: 'fp32' })).jobId).toBe(fp32.jobId);

    const other = handlers['models.download']({ id: 'tiny-clip', precision: 'fp16' });
    await expect(other).rejects.toBeInstanceOf(ApiError);
    await expect(other).rejects.toMatchObject({ code: 'busy', message: 'Tiny CLIP is downloading in fp32; wait for it to finish or cancel it before downloading fp16' });
    expect(jobs.list().filter((j) => j.state === 'running').map((j) => j.jobId)).toEqual([fp32.jobId]);

    jobs.cancel(fp32.jobId);
    await expect.poll(() => jobs.list().find((j) => j.jobId === fp32.jobId)?.state).not.toBe('running');
  });
});
