import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUDA_RUNTIME_LIBRARIES, detectCuda, parseLddMissing, parseNvidiaDriverVersion, systemCudaProbe, type CudaProbe } from './cuda-detect.js';

const BIN = '/opt/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
const INSTALLED = new Set([join(BIN, 'libonnxruntime_providers_cuda.so'), join(BIN, 'libonnxruntime_providers_shared.so')]);

const probe = (overrides: Partial<CudaProbe> = {}): CudaProbe => ({
  platform: 'linux',
  bindingDir: BIN,
  exists: (path) => INSTALLED.has(path),
  driverVersion: () => '550.54.15',
  missingLibraries: () => [],
  ...overrides,
});

describe('detectCuda', () => {
  it('is usable with the provider library, a driver and every runtime library', () => {
    expect(detectCuda(probe())).toEqual({ usable: true, reason: 'NVIDIA driver 550.54.15, CUDA provider and runtime libraries found' });
  });

  it('names the missing provider files and how to install them', () => {
    const status = detectCuda(probe({ exists: () => false }));
    expect(status.usable).toBe(false);
    expect(status.reason).toContain(join(BIN, 'libonnxruntime_providers_cuda.so'));
    expect(status.reason).toContain('npm run setup:cuda');
  });

  it('needs the NVIDIA driver', () => {
    expect(detectCuda(probe({ driverVersion: () => null }))).toEqual({ usable: false, reason: expect.stringContaining('no NVIDIA driver') });
  });

  it('lists the runtime libraries the loader cannot find, asking the loader about the provider library', () => {
    let asked: { path: string; libraries: readonly string[] } | null = null;
    const status = detectCuda(
      probe({
        missingLibraries: (path, libraries) => {
          asked = { path, libraries };
          return ['libcudnn.so.9', 'libcublasLt.so.12'];
        },
      }),
    );
    expect(asked).toEqual({ path: join(BIN, 'libonnxruntime_providers_cuda.so'), libraries: CUDA_RUNTIME_LIBRARIES.linux });
    expect(status.usable).toBe(false);
    expect(status.reason).toBe(
      'the CUDA provider cannot load: libcudnn.so.9, libcublasLt.so.12 not found on the library path (install CUDA 12.x and cuDNN 9, or add their lib folders to LD_LIBRARY_PATH)',
    );
  });

  it('tries CUDA when the libraries cannot be checked (session creation will tell)', () => {
    expect(detectCuda(probe({ missingLibraries: () => null, driverVersion: () => '' }))).toEqual({
      usable: true,
      reason: 'NVIDIA driver found, CUDA provider found (runtime libraries not checked)',
    });
  });

  it('checks Windows DLL names and points at PATH', () => {
    const winBin = 'C:\\app\\bin';
    const status = detectCuda(probe({ platform: 'win32', bindingDir: winBin, exists: () => true, missingLibraries: (_, libs) => libs.filter((l) => l.startsWith('cudnn')) }));
    expect(status).toEqual({ usable: false, reason: expect.stringMatching(/cudnn64_9\.dll not found .* to PATH\)$/) });
  });

  it('has no CUDA on macOS', () => {
    expect(detectCuda(probe({ platform: 'darwin' }))).toEqual({ usable: false, reason: 'onnxruntime has no CUDA provider for darwin' });
  });
});

describe('parsers', () => {
  it('reads the libraries ldd could not resolve', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibcublasLt.so.12 => not found',
      '\tlibcudart.so.12 => /usr/local/cuda/lib64/libcudart.so.12 (0x00007f)',
      '\tlibcudnn.so.9 => not found',
      '\tlibcudnn.so.9 => not found',
    ].join('\n');
    expect(parseLddMissing(output)).toEqual(['libcublasLt.so.12', 'libcudnn.so.9']);
    expect(parseLddMissing('')).toEqual([]);
  });

  it('reads the driver version from /proc/driver/nvidia/version', () => {
    const text = 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\nGCC version:  gcc version 12.2.0\n';
    expect(parseNvidiaDriverVersion(text)).toBe('550.54.15');
    expect(parseNvidiaDriverVersion('NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build')).toBe('570.86.15');
    expect(parseNvidiaDriverVersion('garbage')).toBe('');
  });
});

describe('systemCudaProbe', () => {
  it('answers on this machine without throwing, and finds no provider library in an empty folder', () => {
    const system = systemCudaProbe('/nonexistent/bin');
    const status = detectCuda(system);
    expect(status.usable).toBe(false);
    expect(status.reason).toContain('not installed');
    const driver = system.driverVersion();
    expect(driver === null || typeof driver === 'string').toBe(true);
  });

  it('asks ldd about a real library on Linux', (context) => {
    const libz = ['/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/x86_64-linux-gnu/libz.so.1'].find((p) => existsSync(p));
    if (process.platform !== 'linux' || !libz) context.skip();
    const missing = systemCudaProbe('/nonexistent/bin').missingLibraries(libz as string, []);
    // null only where ldd itself is missing; a library whose dependencies all resolve has none missing.
    expect(missing === null || missing.length === 0).toBe(true);
  });
});
