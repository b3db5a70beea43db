/** `dataset-health project` end to end through main(): .npy in, .npy out, the cache, and bad input. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpyFile } from '../core/dataset/npy.js';
import { gaussianClusters } from '../core/project/clusters.fixture.js';
import { knnLabelAccuracy } from '../core/project/layout-quality.js';
import { encodeNpy, writeNpy } from '../core/project/cache/write-npy.js';
import { captureCliOutput } from '../../test/cli/capture-output.js';
import { main } from './main.js';

const work = mkdtempSync(path.join(tmpdir(), 'dh-project-'));
const dataDir = path.join(work, 'data');
const fixture = gaussianClusters(3, 40, 8);
const input = path.join(work, 'in.npy');
writeNpy(input, fixture.data, fixture.rows, fixture.cols);

const output = captureCliOutput();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('dataset-health project', () => {
  for (const method of ['umap', 'tsne'] as const) {
    it(`writes a ${method} layout as float32 [N, 2] and serves a second run from the cache`, async () => {
      const out = path.join(work, `${method}.npy`);
      const args = ['project', input, '--method', method, '--seed', '3', '--threads', '1', '--data-dir', dataDir, '--out', out];
      expect(await main(args)).toBe(0);
      const layout = readNpyFile(out);
      expect([layout.rows, layout.cols]).toEqual([fixture.rows, 2]);
      expect(knnLabelAccuracy(layout.data, fixture.labels, 5)).toBeGreaterThan(0.95);
      expect(output.stderr).toMatch(new RegExp(`${method}: .*100%`));

      const again = path.join(work, `${method}-again.npy`);
      expect(await main(args.slice(0, -1).concat(again))).toBe(0);
      expect(output.stderr).toMatch(/from the projection cache/);
      expect(Array.from(readNpyFile(again).data)).toEqual(Array.from(layout.data));
    });
  }

  it('recomputes when the cache file is damaged', async () => {
    const cacheDir = path.join(dataDir, 'projection-cache');
    for (const file of readdirSync(cacheDir)) writeFileSync(path.join(cacheDir, file), 'garbage');
    const out = path.join(work, 'after-damage.npy');
    expect(await main(['project', input, '--method', 'umap', '--seed', '3', '--threads', '1', '--data-dir', dataDir, '--out', out])).toBe(0);
    expect(output.stderr).not.toMatch(/from the projection cache/);
    expect(readNpyFile(out).rows).toBe(fixture.rows);
  });

  it('says when the perplexity or neighbour count is lowered for few rows', async () => {
    const small = path.join(work, 'small.npy');
    writeNpy(small, fixture.data.subarray(0, 10 * fixture.cols), 10, fixture.cols);
    const out = path.join(work, 'small-out.npy');
    expect(await main(['project', small, '--method', 'tsne', '--data-dir', dataDir, '--out', out])).toBe(0);
    expect(output.stderr).toMatch(/perplexity 30 needs more than 10 rows; using 3\.00 over 9 neighbours/);
    expect(readNpyFile(out).rows).toBe(10);

    expect(await main(['project', small, '--method', 'umap', '--neighbors', '15', '--data-dir', dataDir, '--out', out])).toBe(0);
    expect(output.stderr).toMatch(/umap: 15 neighbours need more than 10 rows; using 9/);
    expect(readNpyFile(out).rows).toBe(10);
  });

  it('names NaN rows, a .npy that is not 2-D, and bad options', async () => {
    const nan = fixture.data.slice();
    nan[5 * fixture.cols] = Number.NaN;
    const nanFile = path.join(work, 'nan.npy');
    writeNpy(nanFile, nan, fixture.rows, fixture.cols);
    const out = path.join(work, 'never.npy');
    for (const method of ['umap', 'tsne']) {
      expect(await main(['project', nanFile, '--method', method, '--data-dir', dataDir, '--out', out])).toBe(1);
      expect(output.stderr).toMatch(/1 of 120 embedding rows contain NaN or infinite values \(first: row 5/);
    }

    const flat = Buffer.from(encodeNpy(new Float32Array(6), 2, 3));
    const threeD = path.join(work, 'three-d.npy');
    writeFileSync(threeD, Buffer.from(flat.toString('latin1').replace("'shape': (2, 3), ", "'shape': (1, 2, 3),"), 'latin1'));
    expect(await main(['project', threeD, '--data-dir', dataDir, '--out', out])).toBe(1);
    expect(output.stderr).toMatch(/three-d\.npy.*has shape \(1, 2, 3\); a 2-D array/);

    expect(await main(['project', input, '--method', 'pca', '--out', out])).toBe(2);
    expect(await main(['project', input, '--method', 'umap', '--perplexity', '5', '--out', out])).toBe(2);
    expect(await main(['project', input])).toBe(2);
    expect(readdirSync(work)).not.toContain('never.npy');
  });
});
