import { describe, expect, it } from 'vitest';
import { gaussianClusters } from './clusters.fixture.js';
import { NonFiniteRowsError } from './errors.js';
import { knnLabelAccuracy } from './layout-quality.js';
import { computeUmap, resolveUmapParams } from './umap.js';
import { findAbParams } from './umap/ab-curve.js';

const fastParams = { nEpochs: 60 };

function allFinite(xy: Float32Array): boolean {
  return xy.every((v) => Number.isFinite(v));
}

describe('computeUmap', () => {
  it('returns an empty layout for 0 rows without calling hooks', async () => {
    let calls = 0;
    const xy = await computeUmap({ data: new Float32Array(0), rows: 0, cols: 5 }, {}, { onProgress: () => calls++ });
    expect(xy).toEqual(new Float32Array(0));
    expect(calls).toBe(0);
  });

  it('puts 1 to 3 rows on a fixed layout that ignores the seed', async () => {
    const one = await computeUmap({ data: new Float32Array([1, 2]), rows: 1, cols: 2 }, {}, {});
    expect(Array.from(one)).toEqual([0, 0]);
    for (const rows of [2, 3]) {
      const input = { data: new Float32Array(rows * 2).map((_, i) => i), rows, cols: 2 };
      const a = await computeUmap(input, { seed: 1 }, {});
      const b = await computeUmap(input, { seed: 2 }, {});
      expect(a).toEqual(b);
      expect(a.length).toBe(2 * rows);
      for (let i = 0; i < rows; i++) expect(Math.hypot(a[2 * i]!, a[2 * i + 1]!)).toBeCloseTo(0.5, 5);
    }
  });

  it('reduces nNeighbors to rows-1 when there are few rows', async () => {
    expect(resolveUmapParams(6, {}).nNeighbors).toBe(5);
    expect(resolveUmapParams(100, {}).nNeighbors).toBe(15);
    const { data, rows, cols } = gaussianClusters(2, 3, 4);
    const xy = await computeUmap({ data, rows, cols }, fastParams, {});
    expect(xy.length).toBe(12);
    expect(allFinite(xy)).toBe(true);
  });

  it('names how many rows hold NaN/Infinity and the first one', async () => {
    const { data, rows, cols } = gaussianClusters(2, 10, 3);
    data[4 * cols + 1] = NaN;
    data[9 * cols] = Infinity;
    data[9 * cols + 2] = -Infinity;
    const caught: unknown = await computeUmap({ data, rows, cols }, fastParams, {}).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(NonFiniteRowsError);
    const error = caught as NonFiniteRowsError;
    expect(error.rowCount).toBe(2);
    expect(error.firstRow).toBe(4);
    expect(error.message).toMatch(/^2 of 20 .*first: row 4/);
  });

  it('survives duplicate vectors and zero-variance columns', async () => {
    const cols = 4;
    const identical = new Float32Array(30 * cols).fill(3);
    expect(allFinite(await computeUmap({ data: identical, rows: 30, cols }, fastParams, {}))).toBe(true);

    const twoSpots = new Float32Array(30 * cols).map((_, i) => (Math.floor(i / cols) % 2) * 5);
    expect(allFinite(await computeUmap({ data: twoSpots, rows: 30, cols }, fastParams, {}))).toBe(true);

    const { data, rows } = gaussianClusters(3, 10, cols);
    for (let row = 0; row < rows; row++) data[row * cols + 2] = 7;
    expect(allFinite(await computeUmap({ data, rows, cols }, fastParams, {}))).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const input = gaussianClusters(3, 15, 6);
    const a = await computeUmap(input, { ...fastParams, seed: 3 }, {});
    const b = await computeUmap(input, { ...fastParams, seed: 3 }, {});
    const c = await computeUmap(input, { ...fastParams, seed: 4 }, {});
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('normalises the layout so the longer side spans [-1, 1]', async () => {
    const xy = await computeUmap(gaussianClusters(3, 15, 6), fastParams, {});
    const xs = xy.filter((_, i) => i % 2 === 0);
    const ys = xy.filter((_, i) => i % 2 === 1);
    const spanX = Math.max(...xs) - Math.min(...xs);
    const spanY = Math.max(...ys) - Math.min(...ys);
    expect(Math.max(spanX, spanY)).toBeCloseTo(2, 5);
    expect(xy.every((v) => Math.abs(v) <= 1 + 1e-6)).toBe(true);
  });

  it('reports every epoch, previews about every 10%, and separates clusters', async () => {
    const fixture = gaussianClusters(3, 20, 8);
    const epochs: number[] = [];
    const stages: string[] = [];
    const previews: Float32Array[] = [];
    const xy = await computeUmap(fixture, { nEpochs: 100 }, {
      onStage: (stage) => stages.push(stage),
      onProgress: (epoch, total) => {
        expect(total).toBe(100);
        epochs.push(epoch);
      },
      onPreview: (preview) => previews.push(preview),
    });
    expect(stages).toEqual(['neighbors', 'layout']);
    expect(epochs).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(previews).toHaveLength(9);
    expect(previews.every((p) => p.length === 120 && allFinite(p))).toBe(true);
    expect(previews[0]).not.toBe(previews[1]);
    expect(knnLabelAccuracy(xy, fixture.labels, 5)).toBeGreaterThan(0.9);
  });

  it('throws an AbortError when shouldStop turns true', async () => {
    let epochsSeen = 0;
    await expect(
      computeUmap(gaussianClusters(2, 10, 3), { nEpochs: 100 }, {
        onProgress: (epoch) => (epochsSeen = epoch),
        shouldStop: () => epochsSeen >= 5,
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(epochsSeen).toBe(5);
  });

  it('rejects a bad shape or parameter with a precise message', async () => {
    await expect(computeUmap({ data: new Float32Array(5), rows: 2, cols: 3 }, {}, {})).rejects.toThrow(/5 values, expected rows\*cols = 2\*3 = 6/);
    await expect(computeUmap({ data: new Float32Array(0), rows: 4, cols: 0 }, {}, {})).rejects.toThrow(/zero-length vectors/);
    const input = gaussianClusters(2, 5, 2);
    await expect(computeUmap(input, { nNeighbors: 1 }, {})).rejects.toThrow(/nNeighbors must be an integer of at least 2/);
    await expect(computeUmap(input, { nEpochs: 0 }, {})).rejects.toThrow(/nEpochs must be a positive integer/);
    await expect(computeUmap(input, { minDist: -1 }, {})).rejects.toThrow(/minDist/);
    await expect(computeUmap(input, { threads: 0 }, {})).rejects.toThrow(/threads must be a positive integer/);
  });

  it('fits umap-learn\'s a, b for min_dist 0.1, spread 1', () => {
    // umap-learn's find_ab_params(1.0, 0.1) gives a = 1.5769, b = 0.8951 (scipy curve_fit).
    const { a, b } = findAbParams(1, 0.1);
    expect(a).toBeCloseTo(1.577, 2);
    expect(b).toBeCloseTo(0.895, 2);
  });

  it('lays out 4 rows and rows just above nNeighbors', async () => {
    for (const rows of [4, 5, 16]) {
      const data = new Float32Array(rows * 3).map((_, i) => Math.sin(i * 1.7));
      const xy = await computeUmap({ data, rows, cols: 3 }, { ...fastParams, nNeighbors: 15 }, {});
      expect(xy.length).toBe(2 * rows);
      expect(allFinite(xy)).toBe(true);
    }
  });

  it('keeps duplicate rows apart enough to stay finite and separates cosine clusters', async () => {
    const fixture = gaussianClusters(3, 40, 8);
    const doubled = new Float32Array(fixture.data.length * 2);
    doubled.set(fixture.data);
    doubled.set(fixture.data, fixture.data.length);
    const labels = Int32Array.from([...fixture.labels, ...fixture.labels]);
    const xy = await computeUmap({ data: doubled, rows: 2 * fixture.rows, cols: fixture.cols }, { nEpochs: 200, metric: 'cosine' }, {});
    expect(allFinite(xy)).toBe(true);
    expect(knnLabelAccuracy(xy, labels, 5)).toBeGreaterThan(0.9);
  });

  it('separates clusters on two threads too (Hogwild epochs, shared embedding)', async () => {
    const fixture = gaussianClusters(3, 100, 16);
    const xy = await computeUmap(fixture, { nEpochs: 150, threads: 2 }, {});
    expect(knnLabelAccuracy(xy, fixture.labels, 5)).toBeGreaterThan(0.9);
  });
});
