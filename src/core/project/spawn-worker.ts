/**
 * Where the projection worker lives and how to start it, in one place: the three ways the engine runs
 * (TypeScript source under tsx, vitest, a vite bundle) differ only here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The built `umap.worker.js` beside this module when it exists (a bundle or compiled output), otherwise the
 * TypeScript source `umap.worker.ts` (tsx, vitest). A bundler that renames or relocates the worker adapts this.
 */
export function resolveWorkerUrl(baseUrl: string = import.meta.url): URL {
  const built = new URL('./umap.worker.js', baseUrl);
  if (existsSync(fileURLToPath(built))) return built;
  return new URL('./umap.worker.ts', baseUrl);
}

export interface WorkerSpawnSpec {
  script: URL | string;
  eval: boolean;
  execArgv: string[];
}

/**
 * How to start the worker at `workerUrl`. A `.js` worker starts directly with the parent's Node flags.
 * A `.ts` worker starts from a small script that registers tsx's loader inside the worker and then imports it:
 * passing `--import tsx` in execArgv does not work on Node 20, where tsx registers its hooks only on the main
 * thread, and vitest's workers have no tsx at all. Inherited tsx flags are dropped so the loader is registered
 * exactly once on any Node version.
 */
export function workerSpawnSpec(workerUrl: URL, parentExecArgv: readonly string[] = process.execArgv): WorkerSpawnSpec {
  if (!workerUrl.pathname.endsWith('.ts')) return { script: workerUrl, eval: false, execArgv: [...parentExecArgv] };
  // The ESM build of tsx's API: its CommonJS build registers a loader path that does not exist on Node 20.
  const tsxApiUrl = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApiUrl)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return { script: bootstrap, eval: true, execArgv: withoutTsxFlags(parentExecArgv) };
}

/** `workerData` tells the one worker script which job it has (see umap.worker.ts). */
export function spawnWorker(workerUrl: URL = resolveWorkerUrl(), workerData?: unknown): Worker {
  const spec = workerSpawnSpec(workerUrl);
  return new Worker(spec.script, { eval: spec.eval, execArgv: spec.execArgv, workerData });
}

/** Removes `--import tsx`, `--import=…/tsx/dist/loader.mjs`, `--require …/tsx/dist/preflight.cjs` and the like. */
export function withoutTsxFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    const next = execArgv[i + 1];
    if ((arg === '--import' || arg === '--require' || arg === '-r' || arg === '--loader') && next && isTsxModule(next)) {
      i++;
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=/.test(arg) && isTsxModule(arg.slice(arg.indexOf('=') + 1))) continue;
    kept.push(arg);
  }
  return kept;
}

function isTsxModule(specifier: string): boolean {
  return /^tsx(\/|$)/.test(specifier) || /[/\\]tsx[/\\]dist[/\\]/.test(specifier);
}
