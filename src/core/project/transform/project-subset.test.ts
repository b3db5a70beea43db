import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors.js';
import { gaussianClusters } from '../clusters.fixture.js';
import { knnLabelAccuracy } from '../layout-quality.js';
import { gatherRows, projectSubset } from './project-subset.js';

describe('projectSubset', () => {
  it('lays out only the selected rows, with either method, leaving the input intact', async () => {
    const { data, rows, cols, labels } = gaussianClusters(4, 40, 6);
    // Clusters 1 and 3 only (rows are interleaved by cluster).
    const picked = Array.from({ length: rows }, (_, r) => r).filter((r) => labels[r] === 1 || labels[r] === 3);
    const indices = Uint32Array.from(picked);
    const subsetLabels = Int32Array.from(picked, (r) => labels[r] as number);
    for (const method of ['umap', 'tsne'] as const) {
      const xy = await projectSubset({ data, rows, cols, indices, method, params: { seed: 1, nIter: 300 } });
      expect(xy).toHaveLength(2 * picked.length);
      expect(knnLabelAccuracy(xy, subsetLabels, 5)).toBeGreaterThan(0.95);
    }
    expect(data).toHaveLength(rows * cols);
  });

  it('gathers rows in the order given and names an index out of range', async () => {
    const data = Float32Array.from([0, 1, 10, 11, 20, 21]);
    expect(Array.from(gatherRows(data, 3, 2, Uint32Array.from([2, 0, 2])))).toEqual([20, 21, 0, 1, 20, 21]);
    await expect(projectSubset({ data, rows: 3, cols: 2, indices: Uint32Array.from([0, 3]) })).rejects.toThrow(ApiError);
    await expect(projectSubset({ data, rows: 3, cols: 2, indices: Uint32Array.from([0, 3]) })).rejects.toThrow(/index 3 \(position 1\)/);
  });
});
