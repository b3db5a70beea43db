import { describe, expect, it } from 'vitest';
import { describeProviderUse, providerTitle } from './provider-text';

describe('describeProviderUse', () => {
  it('names the provider in use and lists the skipped ones with reasons for the hover', () => {
    const use = describeProviderUse({
      id: 'clip-vit-b32',
      name: 'CLIP ViT-B/32',
      dim: 512,
      executionProvider: 'cpu',
      skippedProviders: [
        { provider: 'cuda', stage: 'unavailable', reason: 'the CUDA provider library is not installed' },
        { provider: 'webgpu', stage: 'create', reason: 'Failed to get a WebGPU adapter' },
      ],
    });
    expect(use).toEqual({
      provider: 'cpu',
      skippedNote: '2 skipped',
      title: 'CLIP ViT-B/32 runs on CPU (cpu)\ncuda not available: the CUDA provider library is not installed\nwebgpu failed to start: Failed to get a WebGPU adapter',
    });
  });

  it('has no note when nothing was skipped, and no line for embedders that use no provider', () => {
    expect(describeProviderUse({ id: 'c', name: 'CLIP', dim: 2, executionProvider: 'webgpu' })).toEqual({ provider: 'webgpu', skippedNote: null, title: 'CLIP runs on WebGPU (webgpu)' });
    expect(describeProviderUse({ id: 'pixels-v1', name: 'Basic pixels embedder (no model)', dim: 304, executionProvider: 'none' })).toBeNull();
  });
});

describe('providerTitle', () => {
  it('names known providers and passes others through', () => {
    expect(providerTitle('dml')).toBe('DirectML');
    expect(providerTitle('auto')).toBe('Auto (fastest available)');
    expect(providerTitle('rocm')).toBe('rocm');
  });
});
