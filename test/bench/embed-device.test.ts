import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimePackageDirs } from '../../bench/embed/device/runtime-closure.js';
import { summariseGpuRun } from '../../bench/embed/device/summarise-results.js';

describe('runtimePackageDirs', () => {
  let root: string;
  const pkg = (dir: string, manifest: object): void => {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(manifest));
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'closure-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('follows dependencies the way Node resolves them, nested copies first, and leaves the rest out', () => {
    pkg('node_modules/app', { dependencies: { lib: '1', '@s/native': '1' }, optionalDependencies: { 'other-os': '1' } });
    pkg('node_modules/lib', { dependencies: { util: '2' } });
    pkg('node_modules/lib/node_modules/util', {});
    pkg('node_modules/util', {});
    pkg('node_modules/@s/native', { dependencies: { 'install-helper': '1' } });
    pkg('node_modules/electron', {});
    const dirs = runtimePackageDirs(join(root, 'node_modules'), ['app'], new Set(['install-helper']));
    expect(dirs).toEqual(['node_modules/@s/native', 'node_modules/app', 'node_modules/lib', 'node_modules/lib/node_modules/util'].map((d) => join(root, d)));
  });

  it('names the manifest whose required dependency is missing', () => {
    pkg('node_modules/app', { dependencies: { gone: '1' } });
    expect(() => runtimePackageDirs(join(root, 'node_modules'), ['app'])).toThrow(/app[/\\]package\.json: dependency gone is not installed/);
  });

  it('names a manifest that is not JSON', () => {
    mkdirSync(join(root, 'node_modules/bad'), { recursive: true });
    writeFileSync(join(root, 'node_modules/bad/package.json'), '{ nope');
    expect(() => runtimePackageDirs(join(root, 'node_modules'), ['bad'])).toThrow(/bad[/\\]package\.json: cannot read as JSON/);
  });
});

describe('summariseGpuRun', () => {
  const bench = (e2e: number, batch: number, provider = 'webgpu'): string =>
    JSON.stringify({ end_to_end_images_per_s: e2e, inference_images_per_s: 1400, decode_images_per_s: 1350, provider, batch_size: batch, images: 3000, decode_procs: 16, model: 'vit-b32 fp16' });
  const torch = JSON.stringify({ peer: 'pytorch+pil+dataloader', end_to_end_images_per_s: 650, gpu: 'NVIDIA H100 80GB HBM3' });

  it('takes the best run on the provider and sets it against the torch peer and the goal', () => {
    const summary = summariseGpuRun([bench(1100, 64), 'not json', bench(1250, 256), bench(5000, 32, 'cpu'), torch, ''], 'webgpu', 'r.jsonl');
    expect(summary).toMatchObject({ best_end_to_end_images_per_s: 1250, best_batch_size: 256, runs: 2, torch_end_to_end_images_per_s: 650, ratio_vs_torch: 1.92, meets_images_per_s_goal: true, meets_ratio_goal: true, gpu: 'NVIDIA H100 80GB HBM3' });
  });

  it('sets the best run against the best of two peer runs', () => {
    const faster = JSON.stringify({ peer: 'pytorch+pil+dataloader', end_to_end_images_per_s: 1000 });
    expect(summariseGpuRun([bench(1500, 256), faster, torch], 'webgpu', 'r.jsonl')).toMatchObject({ torch_end_to_end_images_per_s: 1000, ratio_vs_torch: 1.5, meets_ratio_goal: false });
  });

  it('says the ratio is unknown without a torch line, and that a slow run misses the goal', () => {
    const summary = summariseGpuRun([bench(900, 64)], 'webgpu', 'r.jsonl');
    expect(summary).toMatchObject({ ratio_vs_torch: null, meets_ratio_goal: null, meets_images_per_s_goal: false });
  });

  it('fails naming the file when no run used the provider', () => {
    expect(() => summariseGpuRun([bench(900, 64, 'cpu')], 'webgpu', 'r.jsonl')).toThrow('r.jsonl: no bench:embed line ran on the webgpu provider');
  });
});
