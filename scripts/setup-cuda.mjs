#!/usr/bin/env node
/**
 * `npm run setup:cuda`: fetches onnxruntime-node's CUDA execution provider, which its npm package does not ship
 * (too large for the registry), the way its own postinstall does: node_modules/onnxruntime-node/script/install.js
 * run with ONNXRUNTIME_NODE_INSTALL=cuda12 downloads Microsoft.ML.OnnxRuntime.Gpu.Linux (same version) from
 * api.nuget.org and copies libonnxruntime_providers_{cuda,shared,tensorrt}.so beside the binding
 * (bin/napi-v6/linux/x64/). This project's .npmrc skips that download at `npm install`, so that installing needs
 * only the npm registry.
 *
 * The provider then needs, on the machine: an NVIDIA driver recent enough for CUDA 12, the CUDA 12.x runtime
 * libraries and cuDNN 9 (onnxruntime's CUDA 12 builds work with any CUDA 12.x; cuDNN 8 and 9 are not
 * interchangeable). The script checks those it can find and says what is missing; the app tries CUDA only when all
 * are there (src/core/embed/cuda-detect.ts).
 *
 *   npm run setup:cuda              download the provider, then check the prerequisites
 *   npm run setup:cuda -- --check   only check (exit 0 when CUDA can be used)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Keep in step with CUDA_RUNTIME_LIBRARIES and CUDA_PROVIDER_FILES in src/core/embed/cuda-detect.ts. */
export const PREREQUISITES = [
  { what: 'CUDA 12.x runtime', libraries: ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcufft.so.11', 'libcurand.so.10'] },
  { what: 'cuDNN 9', libraries: ['libcudnn.so.9'] },
];
export const PROVIDER_FILES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
/** The oldest Linux driver for CUDA 12.x under NVIDIA's minor-version compatibility (cuDNN 9 support matrix). */
export const MIN_DRIVER = '525.60.13';

export const USAGE = `Usage: npm run setup:cuda [-- --check]

Downloads onnxruntime-node's CUDA execution provider (Linux x64) from api.nuget.org, as onnxruntime-node's
own install script does, and checks what it needs: an NVIDIA driver ${MIN_DRIVER} or newer, the CUDA 12.x
runtime and cuDNN 9 on the library path (LD_LIBRARY_PATH or ldconfig).

  --check    only check the provider and its prerequisites; download nothing (exit 0 when CUDA can be used)
  --help     this text`;

export class UsageError extends Error {}

/** @returns {{ check: boolean, help: boolean }} */
export function parseSetupArgs(argv) {
  const options = { check: false, help: false };
  for (const arg of argv) {
    if (arg === '--check') options.check = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new UsageError(`unknown option '${arg}'`);
  }
  return options;
}

const NETWORK_ERROR = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up)\b/;

/** What to tell the user when onnxruntime-node's install script failed, from its output. */
export function installFailureMessage(output, version) {
  const detail = output.split('\n').map((line) => line.trim()).find((line) => NETWORK_ERROR.test(line) || /^Error:/.test(line)) ?? output.trim().split('\n').pop() ?? '';
  if (NETWORK_ERROR.test(output)) {
    return (
      `Could not reach api.nuget.org to download the CUDA provider (Microsoft.ML.OnnxRuntime.Gpu.Linux ${version}): ${detail}\n` +
      'This machine looks offline. Connect it to the internet (behind a proxy, set GLOBAL_AGENT_HTTPS_PROXY) and run `npm run setup:cuda` again, ' +
      'or copy libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so from that NuGet package (runtimes/linux-x64/native/) ' +
      'into node_modules/onnxruntime-node/bin/napi-v6/linux/x64/.'
    );
  }
  return `onnxruntime-node's install script failed: ${detail}`;
}

/** `/proc/driver/nvidia/version` → '550.54.15'; '' when unreadable as a version. */
export function parseDriverVersion(text) {
  return /Kernel Module(?: for [^\s]+)?\s+([\d.]+)/.exec(text)?.[1] ?? '';
}

/** true when version a >= b, comparing dotted numbers. */
export function versionAtLeast(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** The machine as the checks see it; tests pass their own. */
export function systemProbe() {
  let ldconfig = '';
  try {
    ldconfig = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    ldconfig = ''; // not on PATH (non-root shells on some distributions): LD_LIBRARY_PATH and the CUDA folder remain
  }
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean), '/usr/local/cuda/lib64'];
  return {
    platform: process.platform,
    arch: process.arch,
    driverText: () => {
      try {
        return readFileSync('/proc/driver/nvidia/version', 'utf8');
      } catch {
        return null;
      }
    },
    findLibrary: (name) => {
      const cached = new RegExp(`^\\s*${name.replace(/\./g, '\\.')} \\(.*\\) => (\\S+)$`, 'm').exec(ldconfig)?.[1];
      return cached ?? dirs.map((dir) => join(dir, name)).find((path) => existsSync(path)) ?? null;
    },
    exists: existsSync,
  };
}

/** Lines describing each prerequisite, and whether all are met. */
export function checkPrerequisites(probe, bindingDir) {
  const lines = [];
  let ok = true;
  const driverText = probe.driverText();
  const driver = driverText === null ? null : parseDriverVersion(driverText);
  if (driver === null) {
    ok = false;
    lines.push(`  NVIDIA driver >= ${MIN_DRIVER}: NOT FOUND (no /proc/driver/nvidia/version: install the NVIDIA driver)`);
  } else if (driver !== '' && !versionAtLeast(driver, MIN_DRIVER)) {
    ok = false;
    lines.push(`  NVIDIA driver >= ${MIN_DRIVER}: TOO OLD (${driver}: update the driver)`);
  } else {
    lines.push(`  NVIDIA driver >= ${MIN_DRIVER}: ok (${driver || 'version unknown'})`);
  }
  for (const { what, libraries } of PREREQUISITES) {
    const missing = libraries.filter((name) => probe.findLibrary(name) === null);
    if (missing.length > 0) ok = false;
    lines.push(`  ${what}: ${missing.length === 0 ? 'ok' : `MISSING ${missing.join(', ')} (install it, or add its lib folder to LD_LIBRARY_PATH)`}`);
  }
  const absent = PROVIDER_FILES.filter((file) => !probe.exists(join(bindingDir, file)));
  if (absent.length > 0) ok = false;
  lines.push(`  onnxruntime CUDA provider: ${absent.length === 0 ? 'installed' : `NOT INSTALLED (${absent.join(', ')} missing in ${bindingDir})`}`);
  return { ok, lines };
}

/** Runs onnxruntime-node's install script asking for CUDA 12; resolves with its exit code and output. */
function runInstallScript(installScript, onnxruntimeDir) {
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
  delete env.npm_config_onnxruntime_node_install; // this project's .npmrc says 'skip'; the variable above wins anyway
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [installScript], { cwd: onnxruntimeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolvePromise({ code: 1, output: `${output}\nError: ${error.message}` }));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/**
 * The whole command; returns the exit code. `overrides` replace the machine (probe), onnxruntime-node's folder and
 * its install script, for tests.
 */
export async function setupCuda(argv, overrides = {}) {
  let options;
  try {
    options = parseSetupArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`setup:cuda: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const probe = overrides.probe ?? systemProbe();
  const onnxruntimeDir = overrides.onnxruntimeDir ?? dirname(require.resolve('onnxruntime-node/package.json'));
  const version = JSON.parse(readFileSync(join(onnxruntimeDir, 'package.json'), 'utf8')).version;
  const platform = `${probe.platform}/${probe.arch}`;
  const metadata = require(join(onnxruntimeDir, 'script', 'install-metadata.js'));
  if (!(metadata.requirements?.[platform] ?? []).includes('cuda12')) {
    console.error(`setup:cuda: onnxruntime-node ${version} publishes its CUDA provider for ${Object.keys(metadata.requirements ?? {}).filter((p) => metadata.requirements[p].includes('cuda12')).join(', ')} only, not ${platform}. The app uses WebGPU (and CoreML/DirectML where available) on this machine.`);
    return 1;
  }
  const bindingDir = join(onnxruntimeDir, 'bin', 'napi-v6', probe.platform, probe.arch);

  if (!options.check) {
    console.log(`setup:cuda: downloading onnxruntime ${version}'s CUDA provider for ${platform} (onnxruntime-node's install script)…`);
    const installScript = overrides.installScript ?? join(onnxruntimeDir, 'script', 'install.js');
    const { code, output } = await runInstallScript(installScript, onnxruntimeDir);
    if (code !== 0) {
      console.error(`setup:cuda: ${installFailureMessage(output, version)}`);
      return 1;
    }
  }

  const { ok, lines } = checkPrerequisites(probe, bindingDir);
  console.log(`CUDA execution provider prerequisites (onnxruntime-node ${version}, ${platform}):\n${lines.join('\n')}`);
  console.log(
    ok
      ? 'CUDA is ready: the app tries it first (`--provider auto`); force it with `--provider cuda`.'
      : 'CUDA cannot be used yet: fix the lines above. Until then the app runs on WebGPU or the CPU.',
  );
  return ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  setupCuda(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`setup:cuda: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
