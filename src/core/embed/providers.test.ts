import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { createSessionWithFallback, describeProviderChoice, ModelLoadError } from './providers.js';

let dir: string;
let modelPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'providers-'));
  modelPath = await writeTinyClipModel(join(dir, 'tiny.onnx'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hasWebGpuAdapter = async (): Promise<boolean> => {
  try {
    const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['webgpu'] });
    await session.release();
    return true;
  } catch {
    return false;
  }
};

describe('createSessionWithFallback', () => {
  it('falls back from WebGPU to CPU by default when there is no GPU, saying why', async (context) => {
    if (await hasWebGpuAdapter()) context.skip(); // this case is about machines without a GPU adapter
    const result = await createSessionWithFallback(modelPath);
    try {
      expect(result.provider).toBe('cpu');
      expect(result.skipped).toHaveLength(1);
      expect(result.skipped[0]).toMatchObject({ provider: 'webgpu', stage: 'create' });
      expect(result.skipped[0]?.reason).toMatch(/adapter/i);
      expect(describeProviderChoice(result)).toMatch(/^cpu \(skipped webgpu: /);
    } finally {
      await result.session.release();
    }
  });

  it('skips unknown and unavailable providers in an override list ending in cpu', async () => {
    const result = await createSessionWithFallback(modelPath, { providers: ['no-such-provider', 'cuda', 'cpu'] });
    try {
      expect(result.provider).toBe('cpu');
      expect(result.skipped.map((s) => s.provider)).toEqual(['no-such-provider', 'cuda']);
      expect(result.skipped.every((s) => s.reason.length > 0)).toBe(true);
    } finally {
      await result.session.release();
    }
  });

  it('moves on when the warm-up run fails, and releases the failed session', async () => {
    let attempts = 0;
    const result = await createSessionWithFallback(modelPath, {
      providers: ['cpu', 'cpu'],
      warmUp: async () => {
        attempts++;
        if (attempts === 1) throw new Error('kernel exploded\nwith a stack');
      },
    });
    try {
      expect(result.skipped).toEqual([{ provider: 'cpu', stage: 'warm-up', reason: 'kernel exploded' }]);
      expect(attempts).toBe(2);
    } finally {
      await result.session.release();
    }
  });

  it('lists every provider and names the model when none works', async () => {
    await expect(createSessionWithFallback(modelPath, { providers: ['bogus-a', 'bogus-b'] })).rejects.toThrow(
      new RegExp(`Could not load ${modelPath}.*\\n  bogus-a \\(create\\): .*\\n  bogus-b \\(create\\): `),
    );
  });

  it('reports a file that is not ONNX as a model problem, not a provider problem', async () => {
    const notOnnx = join(dir, 'not-a-model.onnx');
    await writeFile(notOnnx, 'just some text');
    const attempt = createSessionWithFallback(notOnnx);
    await expect(attempt).rejects.toBeInstanceOf(ModelLoadError);
    await expect(attempt).rejects.toThrow(`Cannot load ${notOnnx} as an ONNX model: Protobuf parsing failed`);
  });

  it('rethrows a validation error at once instead of trying the next provider', async () => {
    let validations = 0;
    const attempt = createSessionWithFallback(modelPath, {
      providers: ['cpu', 'cpu'],
      validate: () => {
        validations++;
        throw new Error('wrong kind of model');
      },
    });
    await expect(attempt).rejects.toThrow('wrong kind of model');
    expect(validations).toBe(1);
  });
});
