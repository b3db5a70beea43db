import { describe, expect, it } from 'vitest';
import { embeddingNeighbors } from './neighbors.js';
import { leakColumns, leakySplits } from './leaks.js';
import { nearDuplicateColumns, nearDuplicates } from './near-duplicates.js';

// Rows 0, 2, 4 are near copies (tiny angle apart); 1 and 3 point elsewhere; 5 is a copy of 3.
const VECTORS = new Float32Array([1, 0, 0, 0, 1, 0, 0.999, 0.01, 0, 0, 0, 1, 0.998, 0.02, 0, 0, 0.01, 1]);

describe('nearDuplicates', () => {
  it('groups keep-first under an absolute cosine threshold', async () => {
    const knn = await embeddingNeighbors(VECTORS, 6, 3, 5, { metric: 'cosine', threads: 1 });
    const result = nearDuplicates(knn);
    expect([...result.nearDuplicateOf]).toEqual([-1, -1, 0, -1, 0, 3]);
    expect(result.thresholdDistance).toBe(0.05);
    expect(result.nnDistance[1]).toBeCloseTo(1 - 0.02 / Math.hypot(0.998, 0.02), 4);
    const none = nearDuplicates(knn, { mode: 'absolute', distance: 1e-6 });
    expect([...none.nearDuplicateOf]).toEqual([-1, -1, -1, -1, -1, -1]);
  });

  it('joins an image to an earlier keeper found only in its own neighbour list', () => {
    // Row 0 lists only row 1; row 2 lists row 0 within the threshold but row 0 does not list row 2.
    const knn = { rows: 3, k: 1, indices: new Int32Array([1, 0, 0]), distances: new Float32Array([0.5, 0.5, 0.01]) };
    expect([...nearDuplicates(knn).nearDuplicateOf]).toEqual([-1, -1, 0]);
  });

  it("supports Cleanlab's relative rule (0.13 × median nearest-neighbour distance)", () => {
    const knn = { rows: 5, k: 1, indices: new Int32Array([1, 0, 3, 2, 3]), distances: new Float32Array([0.01, 0.01, 1, 1, 1]) };
    const result = nearDuplicates(knn, { mode: 'relative', factor: 0.13 });
    expect(result.thresholdDistance).toBeCloseTo(0.13, 6);
    expect([...result.nearDuplicateOf]).toEqual([-1, 0, -1, -1, -1]);
    const columns = nearDuplicateColumns(result, 'cosine');
    expect(columns.map((c) => c.name)).toEqual(['near_duplicate_of', 'nn_distance']);
    expect(Number.isNaN(columns[0]?.kind === 'number' ? columns[0].values[0] : 0)).toBe(true);
    expect(columns[0]?.kind === 'number' ? columns[0].values[1] : -1).toBe(0);
  });
});

describe('leakySplits', () => {
  it('flags every member of a group that spans splits, with the first member of another split as partner', () => {
    const split = new Int32Array([0, 1, 0, 2, -1, 0, 0]);
    const exact = new Int32Array([-1, 0, -1, -1, -1, -1, 5]);
    const near = new Int32Array([-1, -1, -1, 0, 0, -1, -1]);
    const result = leakySplits([exact, near], split);
    expect([...result.leak].map((v) => (Number.isNaN(v) ? 'unknown' : v))).toEqual([1, 1, 0, 1, 'unknown', 0, 0]);
    expect([...result.leakPartner]).toEqual([1, 0, -1, 0, -1, -1, -1]);
    const columns = leakColumns(result);
    expect(columns.map((c) => c.name)).toEqual(['leak', 'leak_partner']);
  });

  it('refuses link arrays of the wrong length', () => {
    expect(() => leakySplits([new Int32Array(2)], new Int32Array(3))).toThrow(RangeError);
  });
});
