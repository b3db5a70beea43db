import { describe, expect, it } from 'vitest';
import { gaussianClusters } from '../clusters.fixture.js';
import { NonFiniteRowsError } from '../errors.js';
import { knnGraph } from './knn-graph.js';

/** Reference: every pair, sorted by (distance, index); returns distances too. */
function referenceNeighbors(data: Float32Array, rows: number, cols: number, k: number, metric: 'euclidean' | 'cosine') {
  const distance = (a: number, b: number): number => {
    if (metric === 'cosine') {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let c = 0; c < cols; c++) {
        dot += data[a * cols + c]! * data[b * cols + c]!;
        na += data[a * cols + c]! ** 2;
        nb += data[b * cols + c]! ** 2;
      }
      return na === 0 || nb === 0 ? 0.5 : 1 - dot / Math.sqrt(na * nb);
    }
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += (data[a * cols + c]! - data[b * cols + c]!) ** 2;
    return Math.sqrt(sum);
  };
  return Array.from({ length: rows }, (_, row) => {
    // Insertion into a sorted top-k list: far cheaper than sorting all rows for 3,000 queries.
    const top: Array<{ other: number; d: number }> = [];
    for (let other = 0; other < rows; other++) {
      if (other === row) continue;
      const d = distance(row, other);
      if (top.length === k && d >= top[k - 1]!.d) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.d > d) at--;
      top.splice(at, 0, { other, d });
      if (top.length > k) top.pop();
    }
    return top;
  });
}

function recall(graph: { k: number; indices: Int32Array }, reference: Array<Array<{ other: number; d: number }>>): number {
  let found = 0;
  reference.forEach((truth, row) => {
    const kth = truth.at(-1)!.d;
    for (let slot = 0; slot < graph.k; slot++) {
      const listed = graph.indices[row * graph.k + slot]!;
      // A listed neighbour tied with the true k-th counts: ties may be broken either way.
      if (truth.some(({ other }) => other === listed) || reference[row]!.length === 0 || distanceOf(row, listed) <= kth + 1e-6) found++;
    }
  });
  return found / (reference.length * graph.k);
  function distanceOf(row: number, other: number): number {
    return reference[row]!.find((entry) => entry.other === other)?.d ?? Infinity;
  }
}

describe('knnGraph', () => {
  it('finds the exact neighbours on tiny data, sorted ascending, self excluded (euclidean and cosine)', async () => {
    const { data, rows, cols } = gaussianClusters(3, 12, 5);
    for (const metric of ['euclidean', 'cosine'] as const) {
      const graph = await knnGraph(data, rows, cols, 6, { metric, threads: 1 });
      const reference = referenceNeighbors(data, rows, cols, 6, metric);
      for (let row = 0; row < rows; row++) {
        const indices = Array.from(graph.indices.subarray(row * 6, row * 6 + 6));
        const distances = Array.from(graph.distances.subarray(row * 6, row * 6 + 6));
        expect(indices).not.toContain(row);
        expect(indices).toEqual(reference[row]!.map(({ other }) => other));
        distances.forEach((d, slot) => expect(d).toBeCloseTo(reference[row]![slot]!.d, 4));
      }
    }
  });

  it('cosine ignores vector length, euclidean does not', async () => {
    // Row 1 points the same way as row 0 but is far away; row 2 is close to row 0 but at an angle.
    const data = new Float32Array([1, 0, 10, 0, 1, 0.5, 0, 1]);
    const cosine = await knnGraph(data, 4, 2, 1, { metric: 'cosine', threads: 1 });
    const euclidean = await knnGraph(data, 4, 2, 1, { metric: 'euclidean', threads: 1 });
    expect(cosine.indices[0]).toBe(1);
    expect(cosine.distances[0]).toBeCloseTo(0, 6);
    expect(euclidean.indices[0]).toBe(2);
  });

  it('reaches recall >= 0.95 on 3,000 points with the approximate search, the same graph on 1 or 2 threads', async () => {
    const { data, rows, cols } = gaussianClusters(6, 500, 12, 3);
    const reference = referenceNeighbors(data, rows, cols, 15, 'euclidean');
    const single = await knnGraph(data, rows, cols, 15, { threads: 1, exactMaxRows: 100, seed: 5 });
    expect(recall(single, reference)).toBeGreaterThanOrEqual(0.95);
    const parallel = await knnGraph(data, rows, cols, 15, { threads: 2, exactMaxRows: 100, seed: 5 });
    expect(Array.from(parallel.indices)).toEqual(Array.from(single.indices));
  });

  it('copes with duplicate vectors on both paths: valid, distinct neighbours at distance 0', async () => {
    const rows = 400;
    const cols = 4;
    const data = new Float32Array(rows * cols).map((_, i) => Math.floor(i / cols) % 3);
    for (const exactMaxRows of [1000, 10]) {
      const graph = await knnGraph(data, rows, cols, 10, { threads: 1, exactMaxRows });
      for (let row = 0; row < rows; row++) {
        const indices = Array.from(graph.indices.subarray(row * 10, row * 10 + 10));
        expect(new Set(indices).size).toBe(10);
        expect(indices).not.toContain(row);
        expect(indices.every((other) => other >= 0 && other < rows && other % 3 === row % 3)).toBe(true);
        expect(Array.from(graph.distances.subarray(row * 10, row * 10 + 10)).every((d) => d === 0)).toBe(true);
      }
    }
  });

  it('rejects a bad k, NaN rows and an aborted signal', async () => {
    const { data, rows, cols } = gaussianClusters(2, 5, 3);
    await expect(knnGraph(data, rows, cols, rows)).rejects.toThrow(/k must be an integer in \[1, rows-1\] = \[1, 9\], got 10/);
    const broken = data.slice();
    broken[4] = NaN;
    await expect(knnGraph(broken, rows, cols, 3)).rejects.toBeInstanceOf(NonFiniteRowsError);
    await expect(knnGraph(data, rows, cols, 3, { threads: 1, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
