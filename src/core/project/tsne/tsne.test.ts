import { describe, expect, it } from 'vitest';
import { gaussianClusters } from '../clusters.fixture.js';
import { NonFiniteRowsError } from '../errors.js';
import { knnLabelAccuracy } from '../layout-quality.js';
import { computeTsne } from './tsne.js';

describe('computeTsne', () => {
  it('separates gaussian clusters and fits the layout into [-1, 1]', async () => {
    const { data, rows, cols, labels } = gaussianClusters(4, 60, 10);
    const xy = await computeTsne({ data, rows, cols }, { nIter: 500 });
    expect(xy).toHaveLength(2 * rows);
    expect(knnLabelAccuracy(xy, labels, 5)).toBeGreaterThan(0.98);
    let maxAbs = 0;
    for (const v of xy) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(maxAbs).toBeCloseTo(1, 5);
  });

  it('is deterministic: the same input and seed give the same layout', async () => {
    const { data, rows, cols } = gaussianClusters(3, 40, 6);
    const a = await computeTsne({ data, rows, cols }, { nIter: 300, seed: 3 });
    const b = await computeTsne({ data, rows, cols }, { nIter: 300, seed: 3 });
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('reports progress each iteration, previews about every 10%, and stops when asked', async () => {
    const { data, rows, cols } = gaussianClusters(2, 30, 4);
    const progress: number[] = [];
    let previews = 0;
    await computeTsne({ data, rows, cols }, { nIter: 100 }, {
      onProgress: (iteration, total) => {
        expect(total).toBe(100);
        progress.push(iteration);
      },
      onPreview: (xy) => {
        expect(xy).toHaveLength(2 * rows);
        previews++;
      },
    });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(100);
    expect(progress).toHaveLength(101);
    expect(previews).toBe(9);

    let calls = 0;
    await expect(computeTsne({ data, rows, cols }, { nIter: 100 }, { shouldStop: () => ++calls > 20 })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('names NaN and infinite rows', async () => {
    const { data, rows, cols } = gaussianClusters(2, 10, 3);
    data[4 * cols + 1] = Number.NaN;
    data[7 * cols] = Infinity;
    const run = computeTsne({ data, rows, cols }, {});
    await expect(run).rejects.toBeInstanceOf(NonFiniteRowsError);
    await expect(run).rejects.toThrow(/2 of 20 .*first: row 4/);
  });

  it('handles duplicate vectors, zero-variance columns and identical rows', async () => {
    const { data, rows, cols, labels } = gaussianClusters(2, 40, 5);
    for (let r = 0; r < rows; r++) data[r * cols + 2] = 3; // a constant column
    for (let c = 0; c < cols; c++) data[cols + c] = data[c] as number; // row 1 duplicates row 0
    const xy = await computeTsne({ data, rows, cols }, { nIter: 300 });
    expect(xy.every(Number.isFinite)).toBe(true);
    expect(knnLabelAccuracy(xy, labels, 5)).toBeGreaterThan(0.95);

    const same = new Float32Array(10 * 3).fill(1);
    const flat = await computeTsne({ data: same, rows: 10, cols: 3 }, { nIter: 100 });
    expect(flat.every(Number.isFinite)).toBe(true);
  });

  it('reduces perplexity for few rows and lays out tiny inputs', async () => {
    const { data, rows, cols } = gaussianClusters(2, 4, 3); // 8 rows, far fewer than 3·30 neighbours
    const xy = await computeTsne({ data, rows, cols }, { nIter: 200 });
    expect(xy.every(Number.isFinite)).toBe(true);
    expect(await computeTsne({ data: new Float32Array(0), rows: 0, cols: 3 }, {})).toHaveLength(0);
    expect(Array.from(await computeTsne({ data: new Float32Array(3), rows: 1, cols: 3 }, {}))).toEqual([0, 0]);
  });

  it('rejects bad parameters', async () => {
    const { data, rows, cols } = gaussianClusters(2, 10, 3);
    await expect(computeTsne({ data, rows, cols }, { perplexity: 0 })).rejects.toThrow(/perplexity/);
    await expect(computeTsne({ data, rows, cols }, { learningRate: -1 })).rejects.toThrow(/learningRate/);
    await expect(computeTsne({ data, rows, cols }, { nIter: 0 })).rejects.toThrow(/nIter/);
  });
});

describe('computeTsne threads', () => {
  it('gives the same layout on 1 and 2 threads', async () => {
    const { data, rows, cols } = gaussianClusters(3, 50, 6);
    const one = await computeTsne({ data, rows, cols }, { nIter: 100, threads: 1 });
    const two = await computeTsne({ data, rows, cols }, { nIter: 100, threads: 2 });
    expect(Array.from(two)).toEqual(Array.from(one));
  });
});
