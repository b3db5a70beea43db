import { describe, expect, it } from 'vitest';
import { embeddingNeighbors } from './neighbors.js';
import { outlierColumns, outlierScores, uniqueness } from './outliers.js';
import { mulberry32 } from '../project/prng.js';

async function cloudWithOutlier(): Promise<Awaited<ReturnType<typeof embeddingNeighbors>>> {
  // Uniform in a unit cube: no natural tail, so only the planted point should stand out.
  const random = mulberry32(11);
  const rows = 200;
  const data = new Float32Array(rows * 3);
  for (let i = 0; i < data.length; i++) data[i] = random();
  data.set([40, 40, 40], (rows - 1) * 3);
  return embeddingNeighbors(data, rows, 3, 10, { metric: 'euclidean', threads: 1 });
}

describe('outlierScores (Cleanlab)', () => {
  it('flags the far point, scores it highest, and follows exp(−d / median d)', async () => {
    const knn = await cloudWithOutlier();
    const result = outlierScores(knn);
    expect(result.isOutlier[199]).toBe(1);
    const flagged = result.isOutlier.reduce((a, b) => a + b, 0);
    // Corner points of the cube are sparser and may be flagged too, but only a few.
    expect(flagged).toBeLessThanOrEqual(10);
    const maxIndex = result.outlierScore.indexOf(Math.max(...result.outlierScore));
    expect(maxIndex).toBe(199);
    const sorted = [...result.meanDistance].sort((a, b) => a - b);
    const median = ((sorted[99] as number) + (sorted[100] as number)) / 2;
    expect(result.outlierScore[5]).toBeCloseTo(1 - Math.exp(-(result.meanDistance[5] as number) / median), 5);
    expect(result.meanDistance[0]).toBeCloseTo(knn.distances.subarray(0, 10).reduce((a, b) => a + b, 0) / 10, 5);
  });

  it('gives NaN without neighbours and a 0/1 score when most images are identical', () => {
    const empty = outlierScores({ rows: 1, k: 0, indices: new Int32Array(0), distances: new Float32Array(0) });
    expect(Number.isNaN(empty.outlierScore[0])).toBe(true);
    const dup = outlierScores({ rows: 3, k: 1, indices: new Int32Array([1, 0, 0]), distances: new Float32Array([0, 0, 5]) });
    expect([...dup.outlierScore]).toEqual([0, 0, 1]);
  });
});

describe('uniqueness (FiftyOne)', () => {
  it('weights the 3 nearest distances 0.6/0.3/0.1 and scales the maximum to 1', () => {
    const knn = { rows: 2, k: 3, indices: new Int32Array([1, 1, 1, 0, 0, 0]), distances: new Float32Array([1, 2, 3, 2, 4, 6]) };
    const u = uniqueness(knn);
    expect(u[1]).toBeCloseTo(1, 6);
    expect(u[0]).toBeCloseTo((0.6 + 0.6 + 0.3) / (1.2 + 1.2 + 0.6), 6);
  });
});

describe('outlierColumns', () => {
  it('names the columns points.csv uses, with the right direction', async () => {
    const columns = outlierColumns(await cloudWithOutlier());
    expect(columns.map((c) => [c.name, c.higherIsWorse])).toEqual([
      ['outlier_score', true],
      ['is_outlier', true],
      ['uniqueness', false],
    ]);
  });
});
