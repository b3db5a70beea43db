import { describe, expect, it } from 'vitest';
import { createComputePool, splitRange } from './compute-pool.js';
import { knnKernels } from './knn-kernels.js';
import { createNeighborHeaps } from './neighbor-heap.js';

describe('compute pool', () => {
  it('splits ranges evenly and drops empty ones', () => {
    expect(splitRange(10, 3)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(splitRange(2, 4)).toEqual([[0, 1], [1, 2]]);
    expect(splitRange(0, 2)).toEqual([]);
  });

  it('runs kernels on worker threads writing into shared memory, like inline', async () => {
    const rows = 64;
    const cols = 3;
    const vectors = new Float32Array(new SharedArrayBuffer(4 * rows * cols)).map((_, i) => Math.sin(i));
    const heaps = createNeighborHeaps(rows, 4, true);
    const pool = createComputePool({ threads: 2, kernels: knnKernels });
    try {
      const tasks = splitRange(rows, 4).map(([startRow, endRow]) => ({ kernel: 'knn-brute-force', args: { vectors, rows, cols, heaps, startRow, endRow } }));
      expect(await pool.run(tasks)).toEqual([0, 0, 0, 0]);
    } finally {
      await pool.close();
    }
    const inlineHeaps = createNeighborHeaps(rows, 4, false);
    await createComputePool({ threads: 1, kernels: knnKernels }).run([
      { kernel: 'knn-brute-force', args: { vectors, rows, cols, heaps: inlineHeaps, startRow: 0, endRow: rows } },
    ]);
    expect(Array.from(heaps.indices)).toEqual(Array.from(inlineHeaps.indices));
  });

  it('passes a kernel error back by name and rejects unknown kernels', async () => {
    const pool = createComputePool({ threads: 2, kernels: knnKernels });
    await expect(pool.run([{ kernel: 'knn-finish-rows', args: {} }])).rejects.toMatchObject({ name: 'TypeError' });
    await pool.close();
    await expect(createComputePool({ threads: 1, kernels: knnKernels }).run([{ kernel: 'nope', args: {} }])).rejects.toThrow(/no compute kernel named "nope"/);
  });

  it('rejects with an AbortError and ends the threads when the signal aborts', async () => {
    const controller = new AbortController();
    const pool = createComputePool({ threads: 2, kernels: knnKernels, signal: controller.signal });
    const rows = 3000;
    const cols = 32;
    const vectors = new Float32Array(new SharedArrayBuffer(4 * rows * cols)).map((_, i) => Math.cos(i));
    const heaps = createNeighborHeaps(rows, 10, true);
    const running = pool.run(splitRange(rows, 2).map(([startRow, endRow]) => ({ kernel: 'knn-brute-force', args: { vectors, rows, cols, heaps, startRow, endRow } })));
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect(pool.run([])).rejects.toThrow(/closed/);
  });
});
