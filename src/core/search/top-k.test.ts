import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../project/prng.js';
import { exactTopK } from './top-k.js';

function unitRows(rows: number, dim: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r += 1) {
    let s = 0;
    for (let d = 0; d < dim; d += 1) {
      const v = random() - 0.5;
      data[r * dim + d] = v;
      s += v * v;
    }
    for (let d = 0; d < dim; d += 1) data[r * dim + d] = (data[r * dim + d] as number) / Math.sqrt(s);
  }
  return data;
}

/** Brute force the slow, obvious way: score every row in float64, sort all. */
function bruteForce(data: Float32Array, dim: number, query: Float32Array, k: number, skip: Set<number> = new Set()): { rows: number[]; scores: number[] } {
  const scored: { row: number; score: number }[] = [];
  for (let r = 0; r < data.length / dim; r += 1) {
    if (skip.has(r)) continue;
    let s = 0;
    for (let d = 0; d < dim; d += 1) s += (data[r * dim + d] as number) * (query[d] as number);
    scored.push({ row: r, score: s });
  }
  scored.sort((a, b) => b.score - a.score || a.row - b.row);
  const top = scored.slice(0, k);
  return { rows: top.map((t) => t.row), scores: top.map((t) => t.score) };
}

describe('exactTopK', () => {
  const dim = 37; // not a multiple of the unroll width
  const rows = 2500; // spans several blocks
  const data = unitRows(rows, dim, 7);

  it('ranks exactly as brute force, across blocks', () => {
    for (const q of [0, 1234, 2499]) {
      const query = data.slice(q * dim, (q + 1) * dim);
      const got = exactTopK(data, dim, query, 25);
      const want = bruteForce(data, dim, query, 25);
      expect(Array.from(got.rows)).toEqual(want.rows);
      got.scores.forEach((s, i) => expect(s).toBeCloseTo(want.scores[i] as number, 5));
      // A unit row is its own nearest neighbour.
      expect(got.rows[0]).toBe(q);
      expect(got.scores[0]).toBeCloseTo(1, 5);
    }
  });

  it('leaves out skipped rows', () => {
    const query = data.slice(10 * dim, 11 * dim);
    const skip = new Set([10, 11, 12]);
    const got = exactTopK(data, dim, query, 10, (r) => skip.has(r));
    expect(Array.from(got.rows)).toEqual(bruteForce(data, dim, query, 10, skip).rows);
    expect(got.rows.includes(10)).toBe(false);
  });

  it('returns every row when k exceeds the count, and nothing for k = 0', () => {
    const small = data.subarray(0, 5 * dim);
    expect(exactTopK(small, dim, small.slice(0, dim), 50).rows.length).toBe(5);
    expect(exactTopK(small, dim, small.slice(0, dim), 0).rows.length).toBe(0);
  });
});
