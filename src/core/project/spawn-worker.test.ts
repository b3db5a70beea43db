import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveWorkerUrl, workerSpawnSpec } from './spawn-worker.js';

describe('resolveWorkerUrl', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers the built .js worker and falls back to the .ts source', () => {
    dir = mkdtempSync(join(tmpdir(), 'worker-url-'));
    const base = pathToFileURL(join(dir, 'run-projection.js')).href;
    expect(resolveWorkerUrl(base).pathname).toMatch(/\/umap\.worker\.ts$/);
    writeFileSync(join(dir, 'umap.worker.js'), '');
    expect(resolveWorkerUrl(base).pathname).toMatch(/\/umap\.worker\.js$/);
  });

  it('finds the TypeScript worker beside the source', () => {
    expect(resolveWorkerUrl().pathname).toMatch(/src\/core\/project\/umap\.worker\.ts$/);
  });
});

describe('workerSpawnSpec', () => {
  it('starts a .js worker directly with the parent flags', () => {
    const url = new URL('file:///app/out/main/umap.worker.js');
    expect(workerSpawnSpec(url, ['--conditions', 'node'])).toEqual({ script: url, eval: false, execArgv: ['--conditions', 'node'] });
  });

  it('bootstraps a .ts worker through tsx once, dropping inherited tsx flags', () => {
    const url = new URL('file:///repo/src/core/project/umap.worker.ts');
    const parent = [
      '--require', '/repo/node_modules/tsx/dist/preflight.cjs',
      '--import', 'file:///repo/node_modules/tsx/dist/loader.mjs',
      '--import=tsx',
      '--conditions', 'development',
      '--import', 'tsx',
    ];
    const spec = workerSpawnSpec(url, parent);
    expect(spec.eval).toBe(true);
    expect(spec.execArgv).toEqual(['--conditions', 'development']);
    expect(spec.script).toContain('tsx/dist/esm/api/index.mjs');
    expect(spec.script).toContain(JSON.stringify(url.href));
  });
});
