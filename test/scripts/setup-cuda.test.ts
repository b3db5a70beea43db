/**
 * `npm run setup:cuda` cannot download anything in CI (no internet): what is tested is the argument handling, the
 * offline message from onnxruntime-node's real install script failing, and the prerequisite checks on a made-up
 * machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkPrerequisites,
  installFailureMessage,
  parseDriverVersion,
  parseSetupArgs,
  setupCuda,
  versionAtLeast,
  type SetupProbe,
} from '../../scripts/setup-cuda.mjs';

const BIN = '/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
const ALL_LIBS = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcufft.so.11', 'libcurand.so.10', 'libcudnn.so.9'];

const machine = (overrides: Partial<SetupProbe> & { libs?: string[]; files?: string[] } = {}): SetupProbe => {
  const libs = overrides.libs ?? ALL_LIBS;
  const files = overrides.files ?? ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'].map((f) => join(BIN, f));
  return {
    platform: 'linux',
    arch: 'x64',
    driverText: () => 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n',
    findLibrary: (name) => (libs.includes(name) ? `/usr/lib/${name}` : null),
    exists: (path) => files.includes(path),
    ...overrides,
  };
};

describe('arguments', () => {
  it('takes --check and --help, and refuses anything else', () => {
    expect(parseSetupArgs([])).toEqual({ check: false, help: false });
    expect(parseSetupArgs(['--check', '-h'])).toEqual({ check: true, help: true });
    expect(() => parseSetupArgs(['--cuda=11'])).toThrow("unknown option '--cuda=11'");
  });
});

describe('checkPrerequisites', () => {
  it('passes with a recent driver, CUDA 12, cuDNN 9 and the provider installed', () => {
    const { ok, lines } = checkPrerequisites(machine(), BIN);
    expect(ok).toBe(true);
    expect(lines).toEqual([
      '  NVIDIA driver >= 525.60.13: ok (550.54.15)',
      '  CUDA 12.x runtime: ok',
      '  cuDNN 9: ok',
      '  onnxruntime CUDA provider: installed',
    ]);
  });

  it('names what is missing: driver, old driver, libraries, provider files', () => {
    const none = checkPrerequisites(machine({ driverText: () => null, libs: ['libcudart.so.12'], files: [] }), BIN);
    expect(none.ok).toBe(false);
    expect(none.lines.join('\n')).toContain('NVIDIA driver >= 525.60.13: NOT FOUND');
    expect(none.lines.join('\n')).toContain('CUDA 12.x runtime: MISSING libcublas.so.12, libcublasLt.so.12, libcufft.so.11, libcurand.so.10');
    expect(none.lines.join('\n')).toContain('cuDNN 9: MISSING libcudnn.so.9');
    expect(none.lines.join('\n')).toContain(`onnxruntime CUDA provider: NOT INSTALLED (libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so missing in ${BIN})`);
    const old = checkPrerequisites(machine({ driverText: () => 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  470.82.01  Mon' }), BIN);
    expect([old.ok, old.lines[0]]).toEqual([false, '  NVIDIA driver >= 525.60.13: TOO OLD (470.82.01: update the driver)']);
  });

  it('compares driver versions numerically', () => {
    expect(versionAtLeast('525.60.13', '525.60.13')).toBe(true);
    expect(versionAtLeast('570.86', '525.60.13')).toBe(true);
    expect(versionAtLeast('525.60.9', '525.60.13')).toBe(false);
    expect(parseDriverVersion('nothing')).toBe('');
  });
});

describe('installFailureMessage', () => {
  it('explains an offline machine and how to go on', () => {
    const output = 'Downloading\nnode:internal/process/promises:391\nError: getaddrinfo ENOTFOUND api.nuget.org\n    at GetAddrInfoReqWrap';
    const message = installFailureMessage(output, '1.30.0');
    expect(message).toContain('Could not reach api.nuget.org to download the CUDA provider (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0): Error: getaddrinfo ENOTFOUND api.nuget.org');
    expect(message).toContain('run `npm run setup:cuda` again');
  });

  it('passes other failures through', () => {
    expect(installFailureMessage('Error: Failed to find runtimes/linux-x64/native/x.so in NuGet package\n', '1.30.0')).toBe(
      "onnxruntime-node's install script failed: Error: Failed to find runtimes/linux-x64/native/x.so in NuGet package",
    );
  });
});

describe('setupCuda', () => {
  let dir: string;
  const printed: string[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'setup-cuda-'));
    const record = (...args: unknown[]): void => void printed.push(args.join(' '));
    vi.spyOn(console, 'log').mockImplementation(record);
    vi.spyOn(console, 'error').mockImplementation(record);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const output = (): string => printed.splice(0).join('\n');

  it('answers usage errors with exit code 2 and the help with 0', async () => {
    expect(await setupCuda(['--bogus'])).toBe(2);
    expect(output()).toContain("unknown option '--bogus'");
    expect(await setupCuda(['--help'])).toBe(0);
    expect(output()).toContain('Usage: npm run setup:cuda');
  });

  it('refuses platforms onnxruntime-node has no CUDA provider for', async () => {
    expect(await setupCuda(['--check'], { probe: machine({ platform: 'darwin', arch: 'arm64' }) })).toBe(1);
    expect(output()).toMatch(/publishes its CUDA provider for linux\/x64 only, not darwin\/arm64/);
  });

  it('runs the install script asking for CUDA 12, and explains a failed download', async () => {
    // Stands in for onnxruntime-node's install.js offline: it sees the request, then fails to resolve the host.
    const fake = join(dir, 'install.js');
    writeFileSync(fake, "console.log('asked for ' + process.env.ONNXRUNTIME_NODE_INSTALL); console.error('Error: getaddrinfo ENOTFOUND api.nuget.org'); process.exit(1);\n");
    expect(await setupCuda([], { probe: machine(), installScript: fake })).toBe(1);
    const printedText = output();
    expect(printedText).toContain('asked for cuda12');
    expect(printedText).toContain('Could not reach api.nuget.org');
  });

  it('checks only, without downloading, with --check', async () => {
    const fake = join(dir, 'must-not-run.js');
    writeFileSync(fake, 'process.exit(3);\n');
    const onnxruntimeDir = join(process.cwd(), 'node_modules', 'onnxruntime-node');
    const bin = join(onnxruntimeDir, 'bin', 'napi-v6', 'linux', 'x64');
    const ready = machine({ files: ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'].map((f) => join(bin, f)) });
    expect(await setupCuda(['--check'], { probe: ready, installScript: fake, onnxruntimeDir })).toBe(0);
    expect(output()).toContain('CUDA is ready');
    expect(await setupCuda(['--check'], { probe: machine({ libs: [] }), installScript: fake, onnxruntimeDir })).toBe(1);
    expect(output()).toContain('CUDA cannot be used yet');
  });
});
