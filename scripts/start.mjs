#!/usr/bin/env node
/**
 * `npm start [DIR]`: builds the app when out/ is missing or older than its sources, then opens DIR (default: the
 * bundled sample) in Electron, or in browser mode (the CLI's `serve`) when Electron cannot start here.
 *
 * The decisions are pure exported functions (tested in src/main/start-script.test.ts); main() only does I/O.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** What `electron-vite build` produces; all must exist and be newer than every input. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/umap.worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
export const BUILD_INPUTS = ['src', 'electron.vite.config.ts'];

/** How long a starting Electron may take to fail before we consider it running. */
export const ELECTRON_STARTUP_WINDOW_MS = 4000;

/**
 * The dataset folder from `npm start [DIR]`, absolute, or null. npm runs scripts from the package folder and keeps
 * the caller's folder in INIT_CWD, so a relative DIR is resolved against that.
 */
export function datasetDirFromArgs(args, env, cwd) {
  const dir = args.find((arg) => !arg.startsWith('-'));
  return dir === undefined ? null : resolve(env.INIT_CWD ?? cwd, dir);
}

/** Why the app must be built first, or null when out/ is up to date. Times are mtimes in ms; null = missing. */
export function buildReason(outputMtimesMs, newestInputMtimeMs) {
  if (outputMtimesMs.some((m) => m === null)) return 'out/ is missing';
  return Math.min(...outputMtimesMs) < newestInputMtimeMs ? 'out/ is older than src/' : null;
}

/**
 * The Electron binary, or why there is none. Mirrors node_modules/electron/index.js, minus its fallback of
 * downloading the binary on require (slow, noisy, and impossible offline).
 */
export function locateElectronBinary(electronPackageDir, env, fs) {
  const pathFile = join(electronPackageDir, 'path.txt');
  const executable = fs.exists(pathFile) ? fs.readText(pathFile).trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && executable === '') return { ok: false, reason: 'its binary was never downloaded' };
  const binary = override ? join(override, executable || 'electron') : join(electronPackageDir, 'dist', executable);
  return fs.exists(binary) ? { ok: true, binary } : { ok: false, reason: `its binary is missing: ${binary}` };
}

/**
 * Why a launched Electron did not start, or null when it did. `outcome` is what happened within the start-up window:
 * { kind: 'running' } | { kind: 'spawn-error', error } | { kind: 'exited', code, signal, stderr }.
 */
export function electronStartupFailure(outcome) {
  if (outcome.kind === 'running') return null;
  if (outcome.kind === 'spawn-error') return `cannot run it: ${outcome.error.code ?? outcome.error.message}`;
  if (outcome.code === 0) return null;
  const status = outcome.signal ? `it was killed by ${outcome.signal}` : `it exited with code ${outcome.code}`;
  const lastLine = outcome.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
  return lastLine ? `${status}: ${lastLine}` : status;
}

export function browserModeNotice(reason) {
  return `Electron is not available on this machine (${reason}); starting browser mode instead.`;
}

function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs; // catches deletions
  for (const entry of readdirSync(path)) {
    // Tests are not part of the bundle: editing one should not trigger a rebuild.
    if (/\.test\.tsx?$/.test(entry)) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

function buildIfStale() {
  const outputs = BUILD_OUTPUTS.map((p) => join(APP_DIR, p)).map((p) => (existsSync(p) ? statSync(p).mtimeMs : null));
  const reason = buildReason(outputs, Math.max(...BUILD_INPUTS.map((p) => newestMtimeMs(join(APP_DIR, p)))));
  if (reason === null) return true;
  console.log(`Building the app (${reason})…`);
  const cli = join(APP_DIR, 'node_modules/electron-vite/bin/electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build'], { cwd: APP_DIR, stdio: 'inherit' });
  if (result.status === 0) return true;
  console.error('The build failed (see above); fix it and run npm start again.');
  return false;
}

/** Waits for a child to exit, keeping Ctrl+C (which the terminal sends to both of us) for the child to handle. */
function exitCodeOf(child) {
  const ignore = () => {};
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  return new Promise((resolveExit) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      resolveExit(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * Launches Electron and watches its first seconds: a failure there (no display, missing libraries) resolves with
 * its reason; a start resolves with the running child. Its stderr is held back until then, so a failed start prints
 * one line instead of Chromium's noise.
 */
function launchElectron(binary, datasetDir) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would turn Electron into plain Node
  const args = [APP_DIR, ...(datasetDir === null ? [] : [datasetDir])];
  const child = spawn(binary, args, { stdio: ['inherit', 'inherit', 'pipe'], env });
  let stderr = '';
  const collect = (chunk) => (stderr += chunk);
  child.stderr.setEncoding('utf8').on('data', collect);
  return new Promise((resolveLaunch) => {
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const reason = electronStartupFailure(outcome);
      if (reason !== null) return resolveLaunch({ started: false, reason });
      child.stderr.off('data', collect);
      process.stderr.write(stderr);
      child.stderr.pipe(process.stderr);
      resolveLaunch({ started: true, child, exited: outcome.kind === 'exited' ? outcome.code : null });
    };
    const timer = setTimeout(() => settle({ kind: 'running' }), ELECTRON_STARTUP_WINDOW_MS);
    child.once('error', (error) => settle({ kind: 'spawn-error', error }));
    child.once('exit', (code, signal) => settle({ kind: 'exited', code, signal, stderr }));
  });
}

async function main() {
  const datasetDir = datasetDirFromArgs(process.argv.slice(2), process.env, process.cwd());
  if (!buildIfStale()) return 1;

  const fs = { exists: existsSync, readText: (p) => readFileSync(p, 'utf8') };
  const located = locateElectronBinary(join(APP_DIR, 'node_modules/electron'), process.env, fs);
  let reason = located.ok ? null : located.reason;
  if (located.ok) {
    const launch = await launchElectron(located.binary, datasetDir);
    if (launch.started) return launch.exited ?? (await exitCodeOf(launch.child));
    reason = launch.reason;
  }

  console.log(browserModeNotice(reason));
  const cli = join(APP_DIR, 'bin/dataset-health.mjs');
  const serve = spawn(process.execPath, [cli, 'serve', ...(datasetDir === null ? [] : [datasetDir])], { stdio: 'inherit' });
  return exitCodeOf(serve);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
