import { describe, expect, it } from 'vitest';
import { parseProviderRequest, planAutoProviders, planProviders, UnknownProviderError, validProviderNames, type ProviderCapabilities } from './provider-plan.js';

const CUDA_READY = { usable: true, reason: 'NVIDIA driver 550.54.15, CUDA provider and runtime libraries found' };
const NO_CUDA = { usable: false, reason: 'the CUDA provider library is not installed' };

/** What onnxruntime-node 1.30's bindings list on each platform (linux: `listSupportedBackends()` on this machine). */
const caps = (platform: NodeJS.Platform, compiled: string[], cuda = NO_CUDA, arch = 'x64'): ProviderCapabilities => ({ platform, arch, compiled, cuda });
const LINUX = ['cpu', 'webgpu', 'cuda', 'tensorrt'];

describe('planAutoProviders', () => {
  it('puts CUDA first on Linux only when it is installed, then WebGPU, then the CPU', () => {
    expect(planAutoProviders(caps('linux', LINUX, CUDA_READY))).toEqual({ providers: ['cuda', 'webgpu', 'cpu'], excluded: [] });
    expect(planAutoProviders(caps('linux', LINUX, NO_CUDA))).toEqual({ providers: ['webgpu', 'cpu'], excluded: [{ provider: 'cuda', reason: NO_CUDA.reason }] });
  });

  it('tries CoreML after WebGPU on macOS and DirectML on Windows, when the binding has them', () => {
    expect(planAutoProviders(caps('darwin', ['cpu', 'webgpu', 'coreml'], NO_CUDA, 'arm64')).providers).toEqual(['webgpu', 'coreml', 'cpu']);
    expect(planAutoProviders(caps('win32', ['cpu', 'webgpu', 'dml'])).providers).toEqual(['webgpu', 'dml', 'cpu']);
    expect(planAutoProviders(caps('win32', ['cpu', 'webgpu', 'dml', 'cuda'], CUDA_READY)).providers).toEqual(['cuda', 'webgpu', 'dml', 'cpu']);
  });

  it('says why a platform provider missing from the build is left out, and never leaves out the CPU', () => {
    const plan = planAutoProviders(caps('darwin', ['cpu'], NO_CUDA, 'arm64'));
    expect(plan.providers).toEqual(['cpu']);
    expect(plan.excluded).toEqual([
      { provider: 'webgpu', reason: 'not in this onnxruntime-node build for darwin/arm64' },
      { provider: 'coreml', reason: 'not in this onnxruntime-node build for darwin/arm64' },
    ]);
    // Linux has no native API provider to mention; a binding without CUDA does not mention CUDA either.
    expect(planAutoProviders(caps('linux', ['cpu', 'webgpu'])).excluded).toEqual([]);
  });
});

describe('parseProviderRequest', () => {
  const valid = validProviderNames({ compiled: LINUX });

  it('lists auto first among the valid names', () => {
    expect(valid).toEqual(['auto', 'cpu', 'webgpu', 'cuda', 'tensorrt']);
  });

  it('reads nothing, an empty string and auto (any case) as the automatic choice', () => {
    for (const input of [undefined, '', '  ', 'auto', 'AUTO', [], ['auto']]) expect(parseProviderRequest(input, valid)).toEqual({ kind: 'auto' });
  });

  it('reads one name as that provider alone, and a list (string or array) in order without repeats', () => {
    expect(parseProviderRequest(' CUDA ', valid)).toEqual({ kind: 'single', provider: 'cuda' });
    expect(parseProviderRequest('webgpu,cpu', valid)).toEqual({ kind: 'list', providers: ['webgpu', 'cpu'] });
    expect(parseProviderRequest(['cuda', 'webgpu', 'cuda', 'cpu'], valid)).toEqual({ kind: 'list', providers: ['cuda', 'webgpu', 'cpu'] });
    expect(parseProviderRequest('cpu,cpu', valid)).toEqual({ kind: 'single', provider: 'cpu' });
  });

  it('accepts DirectML by its long name where the binding has it', () => {
    expect(parseProviderRequest('DirectML', validProviderNames({ compiled: ['cpu', 'webgpu', 'dml'] }))).toEqual({ kind: 'single', provider: 'dml' });
  });

  it('refuses an unknown name, listing the valid ones', () => {
    expect(() => parseProviderRequest('gpu', valid)).toThrow(UnknownProviderError);
    expect(() => parseProviderRequest('webgpu,metal', valid)).toThrow(
      "Unknown execution provider 'metal'. Valid: auto, cpu, webgpu, cuda, tensorrt, or a comma-separated list of them in order of preference.",
    );
    // coreml is real, but not in the Linux build: unknown here.
    expect(() => parseProviderRequest('coreml', valid)).toThrow(/Unknown execution provider 'coreml'/);
  });

  it('refuses auto inside a list', () => {
    expect(() => parseProviderRequest('cuda,auto', valid)).toThrow("'auto' cannot be combined with other providers");
  });
});

describe('planProviders', () => {
  const linux = caps('linux', LINUX, NO_CUDA);

  it('falls back only for auto and lists: one named provider is strict', () => {
    expect(planProviders({ kind: 'auto' }, linux)).toEqual({ providers: ['webgpu', 'cpu'], excluded: [{ provider: 'cuda', reason: NO_CUDA.reason }], strict: false, requested: 'auto' });
    // Named explicitly, CUDA is tried even though detection found it missing: its error will say why.
    expect(planProviders({ kind: 'single', provider: 'cuda' }, linux)).toEqual({ providers: ['cuda'], excluded: [], strict: true, requested: 'cuda' });
    expect(planProviders({ kind: 'list', providers: ['cuda', 'cpu'] }, linux)).toEqual({ providers: ['cuda', 'cpu'], excluded: [], strict: false, requested: 'cuda,cpu' });
  });
});
