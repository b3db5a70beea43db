import { describe, expect, it } from 'vitest';
import { AnnIndex, loadUsearch } from './ann-index.js';
import { clusteredUnitRows } from './test-vectors.js';
import { exactTopK } from './top-k.js';

describe('AnnIndex (usearch HNSW)', () => {
  it('finds most of the exact top 10 on a small clustered set, with exact scores', async () => {
    const usearch = await loadUsearch();
    if (usearch instanceof Error) throw usearch;
    const dim = 64;
    const rows = 5000;
    const data = clusteredUnitRows(rows, dim, 50, 3);
    const progress: number[] = [];
    const ann = await AnnIndex.build(usearch, data, dim, { onProgress: (done) => progress.push(done) });
    expect(progress.at(-1)).toBe(rows);
    expect(progress.length).toBeGreaterThan(1);
    let hits = 0;
    let selfFirst = 0;
    const queries = 100;
    for (let q = 0; q < queries; q += 1) {
      const row = q * 41;
      const query = data.slice(row * dim, (row + 1) * dim);
      const exact = exactTopK(data, dim, query, 10);
      const approx = ann.search(data, query, 10);
      // Approximate: a multi-threaded build is not deterministic, and now and then misses a query's own row.
      if (approx.rows[0] === row) selfFirst += 1;
      const want = new Set(exact.rows);
      for (const r of approx.rows) if (want.has(r)) hits += 1;
      // Rescored exactly: each score is the true inner product of its row.
      const r0 = approx.rows[1] as number;
      let s = 0;
      for (let d = 0; d < dim; d += 1) s += (data[r0 * dim + d] as number) * (query[d] as number);
      expect(approx.scores[1]).toBeCloseTo(s, 5);
    }
    expect(hits / (queries * 10)).toBeGreaterThan(0.95);
    expect(selfFirst).toBeGreaterThanOrEqual(97);
  });

  it('saves and loads, and refuses a file of another size', async () => {
    const usearch = await loadUsearch();
    if (usearch instanceof Error) throw usearch;
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'dh-ann-'));
    try {
      const dim = 16;
      const data = clusteredUnitRows(500, dim, 5, 1);
      const file = path.join(dir, 'x.usearch');
      (await AnnIndex.build(usearch, data, dim)).save(file);
      const loaded = AnnIndex.load(usearch, file, 500, dim);
      expect(loaded.search(data, data.slice(7 * dim, 8 * dim), 3).rows[0]).toBe(7);
      expect(() => AnnIndex.load(usearch, file, 501, dim)).toThrow(/holds 500 vectors/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops building when cancelled', async () => {
    const usearch = await loadUsearch();
    if (usearch instanceof Error) throw usearch;
    const controller = new AbortController();
    const data = clusteredUnitRows(10_000, 8, 4, 5);
    const build = AnnIndex.build(usearch, data, 8, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(build).rejects.toThrow(/abort/i);
  });

  it('leaves out skipped rows', async () => {
    const usearch = await loadUsearch();
    if (usearch instanceof Error) throw usearch;
    const dim = 16;
    const data = clusteredUnitRows(300, dim, 3, 2);
    const ann = await AnnIndex.build(usearch, data, dim);
    const got = ann.search(data, data.slice(0, dim), 5, (r) => r === 0, 1);
    expect(got.rows.length).toBe(5);
    expect(Array.from(got.rows)).not.toContain(0);
  });
});
