import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../project/prng.js';
import { gridKnn2d } from './grid-knn.js';
import { embeddingNeighbors } from './neighbors.js';

describe('embeddingNeighbors', () => {
  it('finds euclidean neighbours nearest first, self excluded', async () => {
    const data = new Float32Array([0, 0, 1, 0, 3, 0, 7, 0]);
    const g = await embeddingNeighbors(data, 4, 2, 2, { metric: 'euclidean', threads: 1 });
    expect(g.k).toBe(2);
    expect([...g.indices.subarray(0, 2)]).toEqual([1, 2]);
    expect([...g.distances.subarray(0, 2)]).toEqual([1, 3]);
    expect([...g.indices.subarray(6, 8)]).toEqual([2, 1]);
    expect([...g.distances.subarray(6, 8)]).toEqual([4, 6]);
  });

  it('gives cosine distance 1 − cos, ignoring length, and caps k at rows − 1', async () => {
    const data = new Float32Array([1, 0, 5, 0, 0, 2]);
    const g = await embeddingNeighbors(data, 3, 2, 5, { metric: 'cosine', threads: 1 });
    expect(g.k).toBe(2);
    expect(g.indices[0]).toBe(1);
    expect(g.distances[0]).toBeCloseTo(0, 6);
    expect(g.distances[1]).toBeCloseTo(1, 6);
  });

  it('gives an empty graph for one row and refuses a bad k', async () => {
    const one = await embeddingNeighbors(new Float32Array([1, 2]), 1, 2, 10, { metric: 'cosine', threads: 1 });
    expect(one).toMatchObject({ rows: 1, k: 0 });
    await expect(embeddingNeighbors(new Float32Array(4), 2, 2, 0, { metric: 'cosine' })).rejects.toThrow(RangeError);
  });
});

describe('gridKnn2d', () => {
  it('matches the exact search on clumpy points with duplicates and an isolated point', async () => {
    const random = mulberry32(7);
    const n = 600;
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const clump = i % 3;
      xy[2 * i] = clump * 5 + random() * (clump === 2 ? 0.01 : 1);
      xy[2 * i + 1] = random();
    }
    xy.set([1000, -1000], 2 * (n - 1));
    xy.set([xy[0] as number, xy[1] as number], 2);
    const grid = gridKnn2d(xy, 8);
    const exact = await embeddingNeighbors(xy, n, 2, 8, { metric: 'euclidean', threads: 1 });
    for (let i = 0; i < grid.distances.length; i++) {
      const want = exact.distances[i] as number;
      // float32 distances: compare relative to their size (the isolated point is ~1400 away).
      expect(Math.abs((grid.distances[i] as number) - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, want));
    }
  });

  it('handles collinear points and fewer points than k', () => {
    const line = gridKnn2d(new Float32Array([0, 0, 1, 0, 2, 0, 3, 0]), 2);
    expect([...line.indices.subarray(0, 2)]).toEqual([1, 2]);
    const tiny = gridKnn2d(new Float32Array([0, 0, 1, 1]), 5);
    expect(tiny.k).toBe(1);
    expect(tiny.distances[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(gridKnn2d(new Float32Array([0, 0]), 3).k).toBe(0);
  });

  it('refuses non-finite coordinates', () => {
    expect(() => gridKnn2d(new Float32Array([0, 0, NaN, 1]), 1)).toThrow(/non-finite/);
  });
});
