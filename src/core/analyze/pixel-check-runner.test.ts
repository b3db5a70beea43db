import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPixelChecks } from '../health/pixel-checks.js';
import { PixelCheckRunner } from './pixel-check-runner.js';

let dir: string;
let paths: string[];
let names: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixel-check-runner-'));
  paths = [];
  // 40 images: enough to go to the processes (and to span three requests), one of them corrupt.
  for (let i = 0; i < 40; i++) {
    const path = join(dir, `img-${i}.${i === 13 ? 'jpg' : 'png'}`);
    if (i === 13) await writeFile(path, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    else await sharp({ create: { width: 40 + i, height: 30, channels: 3, background: { r: 6 * i, g: 100, b: 255 - 6 * i } } }).png().toFile(path);
    paths.push(path);
  }
  names = paths.map((_, i) => `folder/img-${i}`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PixelCheckRunner', () => {
  it('gives what runPixelChecks gives in this process, in order, reporting progress up to every image', async () => {
    const runner = new PixelCheckRunner({ maxProcesses: 2 });
    const progress: number[] = [];
    try {
      const [there, here] = await Promise.all([runner.run(paths, names, { onProgress: (n) => progress.push(n) }), runPixelChecks(paths, names)]);
      expect(Array.from(there.stats)).toEqual(Array.from(here.stats));
      expect(there.hashes).toEqual(here.hashes);
      expect(there.contentHashes).toEqual(here.contentHashes);
      expect(there.problems.map((p) => p.file)).toEqual(['folder/img-13']);
      expect(progress.at(-1)).toBe(paths.length);
    } finally {
      await runner.close();
    }
  });

  it('checks in this process where decode processes cannot start', async () => {
    const runner = new PixelCheckRunner({ maxProcesses: 1, childUrl: new URL('file:///nonexistent/decode.child.js') });
    try {
      const checks = await runner.run(paths, names);
      expect(checks.hashes.filter((h) => h !== null)).toHaveLength(paths.length - 1);
    } finally {
      await runner.close();
    }
  });

  it('rejects with the abort reason when cancelled', async () => {
    const runner = new PixelCheckRunner({ maxProcesses: 2 });
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    try {
      const running = runner.run(paths, names, { signal: controller.signal });
      controller.abort(reason);
      await expect(running).rejects.toBe(reason);
    } finally {
      await runner.close();
    }
  });
});
