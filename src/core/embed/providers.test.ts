import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { UnknownProviderError } from './provider-plan.js';
import {
  createSessionWithFallback,
  defaultBatchSize,
  describeProviderChoice,
  detectProviderCapabilities,
  ModelLoadError,
  onnxruntimeBindingDir,
  prefersFp16,
  resolveProviderPlan,
} from './providers.js';

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
      // onnxruntime's source location and failed condition are noise to a user: only its message is kept.
      expect(result.skipped[0]?.reason).not.toMatch(/\.cc:\d+|was false/);
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

describe('a provider the user forced', () => {
  it('fails with why and how to fix it, instead of falling back', async (context) => {
    if (detectProviderCapabilities().cuda.usable) context.skip(); // this case is about machines without CUDA
    const attempt = createSessionWithFallback(modelPath, { providers: resolveProviderPlan('cuda').providers });
    await expect(attempt).rejects.toThrow(`The cuda execution provider failed at creating the session for ${modelPath}: `);
    await expect(attempt).rejects.toThrow(/npm run setup:cuda.*Choose 'auto' or another provider to fall back\.$/);
  });
});

describe('resolveProviderPlan on this machine', () => {
  it('detects the binding\'s providers, and CUDA only with its library installed', () => {
    const caps = detectProviderCapabilities();
    expect(caps.compiled).toContain('cpu');
    expect(caps.platform).toBe(process.platform);
    const cudaInstalled = existsSync(join(onnxruntimeBindingDir(), process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'));
    if (!cudaInstalled) expect(caps.cuda).toEqual({ usable: false, reason: expect.any(String) });
    const plan = resolveProviderPlan(undefined);
    expect(plan.providers.at(-1)).toBe('cpu');
    expect(plan.strict).toBe(false);
    expect(plan.providers.includes('cuda')).toBe(caps.cuda.usable);
  });

  it('refuses an unknown provider with the valid names', () => {
    expect(() => resolveProviderPlan('tpu')).toThrow(UnknownProviderError);
    expect(() => resolveProviderPlan('tpu')).toThrow(/Valid: auto, cpu/);
  });
});

describe('per-provider defaults', () => {
  it('batches larger on GPUs than on the CPU', () => {
    expect(defaultBatchSize('cpu')).toBe(32);
    expect(defaultBatchSize('webgpu')).toBe(128);
    expect(defaultBatchSize('cuda')).toBe(128);
    expect(defaultBatchSize('something-new')).toBe(32);
  });

  it('prefers fp16 model files on GPU providers only', () => {
    for (const gpu of ['cuda', 'webgpu', 'dml', 'coreml', 'tensorrt']) expect(prefersFp16(gpu)).toBe(true);
    expect(prefersFp16('cpu')).toBe(false);
    expect(prefersFp16('something-new')).toBe(false);
  });
});
