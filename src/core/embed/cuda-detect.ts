/**
 * Is onnxruntime-node's CUDA execution provider installed and loadable here? Answered without loading anything
 * into the process: the npm package does not ship the provider library (its install script fetches it into
 * `bin/napi-v6/<platform>/<arch>/`, see `npm run setup:cuda`), and the library needs the NVIDIA driver plus the
 * CUDA 12 and cuDNN 9 runtime libraries on the loader path. Asking onnxruntime for CUDA without them fails with an
 * error log on every session, so the automatic order only includes CUDA when all three are found.
 *
 * Everything the check touches goes through `CudaProbe`, so tests run it on any machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { CudaStatus } from './provider-plan.js';

/** What onnxruntime's CUDA provider library is linked against (CUDA 12.x, cuDNN 9), per platform. */
export const CUDA_RUNTIME_LIBRARIES: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcufft.so.11', 'libcurand.so.10', 'libcudnn.so.9'],
  win32: ['cudart64_12.dll', 'cublas64_12.dll', 'cublasLt64_12.dll', 'cufft64_11.dll', 'curand64_10.dll', 'cudnn64_9.dll'],
};

/** The files onnxruntime-node's CUDA install puts beside its binding (install-metadata.js). */
export const CUDA_PROVIDER_FILES: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'],
  win32: ['onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll'],
};

export const SETUP_CUDA_HINT = 'run `npm run setup:cuda` (needs the NVIDIA driver, CUDA 12.x and cuDNN 9)';

export interface CudaProbe {
  platform: NodeJS.Platform;
  /** onnxruntime-node's `bin/napi-v6/<platform>/<arch>` folder. */
  bindingDir: string;
  exists(path: string): boolean;
  /** The NVIDIA kernel driver's version, '' when present but of unknown version, null when there is none. */
  driverVersion(): string | null;
  /**
   * Libraries the dynamic loader cannot find when loading `libraryPath` (a probe without a loader query checks just
   * `libraries`, the ones it is known to need), or null when that cannot be told here; null means "try it".
   */
  missingLibraries(libraryPath: string, libraries: readonly string[]): string[] | null;
}

export function detectCuda(probe: CudaProbe): CudaStatus {
  const providerFiles = CUDA_PROVIDER_FILES[probe.platform];
  const runtime = CUDA_RUNTIME_LIBRARIES[probe.platform];
  if (!providerFiles || !runtime) return { usable: false, reason: `onnxruntime has no CUDA provider for ${probe.platform}` };
  const absent = providerFiles.map((file) => join(probe.bindingDir, file)).filter((path) => !probe.exists(path));
  if (absent.length > 0) return { usable: false, reason: `the CUDA provider library is not installed (${absent.join(', ')} missing): ${SETUP_CUDA_HINT}` };

  const driver = probe.driverVersion();
  if (driver === null) return { usable: false, reason: 'no NVIDIA driver found (an NVIDIA GPU and its driver are needed for CUDA)' };
  const providerLibrary = join(probe.bindingDir, providerFiles[0] as string);
  const missing = probe.missingLibraries(providerLibrary, runtime);
  if (missing && missing.length > 0) {
    return { usable: false, reason: `the CUDA provider cannot load: ${missing.join(', ')} not found on the library path (install CUDA 12.x and cuDNN 9, or add their lib folders to ${probe.platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH'})` };
  }
  const driverText = driver === '' ? 'NVIDIA driver found' : `NVIDIA driver ${driver}`;
  return { usable: true, reason: missing ? `${driverText}, CUDA provider and runtime libraries found` : `${driverText}, CUDA provider found (runtime libraries not checked)` };
}

/** Libraries `ldd` reports as "not found" (e.g. `\tlibcudnn.so.9 => not found`). */
export function parseLddMissing(output: string): string[] {
  const missing: string[] = [];
  for (const line of output.split('\n')) {
    const match = /^\s*(\S+)\s+=>\s+not found\s*$/.exec(line);
    if (match?.[1] && !missing.includes(match[1])) missing.push(match[1]);
  }
  return missing;
}

/** The kernel module version from `/proc/driver/nvidia/version` ("NVRM version: ... Kernel Module  550.54.15 ..."). */
export function parseNvidiaDriverVersion(text: string): string {
  return /Kernel Module(?: for [^\s]+)?\s+([\d.]+)/.exec(text)?.[1] ?? '';
}

const LDD_TIMEOUT_MS = 5000;

/** The probe for this machine. */
export function systemCudaProbe(bindingDir: string, platform: NodeJS.Platform = process.platform): CudaProbe {
  return {
    platform,
    bindingDir,
    exists: existsSync,
    driverVersion: () => {
      if (platform === 'win32') return existsSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'nvcuda.dll')) ? '' : null;
      try {
        return parseNvidiaDriverVersion(readFileSync('/proc/driver/nvidia/version', 'utf8'));
      } catch {
        return null; // no NVIDIA kernel module loaded
      }
    },
    missingLibraries: (libraryPath, libraries) => {
      if (platform === 'win32') {
        // Windows loads a DLL's dependencies from its own folder, then PATH.
        const dirs = [bindingDir, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
        return libraries.filter((name) => !dirs.some((dir) => existsSync(join(dir, name))));
      }
      try {
        // ldd resolves exactly as the loader will (LD_LIBRARY_PATH, ld.so.cache, RUNPATH) without running the code.
        const output = execFileSync('ldd', [libraryPath], { encoding: 'utf8', timeout: LDD_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
        // onnxruntime loads its own providers_shared library before this one, so ldd missing it is no problem.
        return parseLddMissing(output).filter((name) => !name.startsWith('libonnxruntime'));
      } catch {
        return null; // no ldd (or it failed): let session creation tell
      }
    },
  };
}
