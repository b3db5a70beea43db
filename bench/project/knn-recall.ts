/**
 * Recall of an approximate kNN graph: the share of each sampled row's exact k nearest neighbours (brute force over
 * all rows) that the graph lists. Sampling query rows keeps the exact side cheap on tens of thousands of rows.
 */
import { mulberry32 } from '../../src/core/project/prng.js';

export function sampledRecall(
  data: Float32Array,
  rows: number,
  cols: number,
  graph: { k: number; indices: Int32Array },
  sampleRows: number,
  metric: 'euclidean' | 'cosine' = 'euclidean',
): number {
  const { k, indices } = graph;
  const random = mulberry32(1234);
  const norms = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += (data[row * cols + c] as number) ** 2;
    norms[row] = Math.sqrt(sum) || 1;
  }
  const distance = (a: number, b: number): number => {
    let sum = 0;
    if (metric === 'cosine') {
      for (let c = 0; c < cols; c++) sum += (data[a * cols + c] as number) * (data[b * cols + c] as number);
      return 1 - sum / ((norms[a] as number) * (norms[b] as number));
    }
    for (let c = 0; c < cols; c++) sum += ((data[a * cols + c] as number) - (data[b * cols + c] as number)) ** 2;
    return sum;
  };
  let found = 0;
  const all = new Float64Array(rows);
  const order = new Int32Array(rows);
  for (let s = 0; s < sampleRows; s++) {
    const query = Math.floor(random() * rows);
    for (let row = 0; row < rows; row++) {
      all[row] = row === query ? Infinity : distance(query, row);
      order[row] = row;
    }
    const sorted = Array.from(order).sort((x, y) => (all[x] as number) - (all[y] as number));
    // Ties at the k-th distance: any of the tied rows counts as a true neighbour.
    const kthDistance = all[sorted[k - 1] as number] as number;
    const listed = indices.subarray(query * k, (query + 1) * k);
    for (const neighbor of listed) if ((all[neighbor] as number) <= kthDistance) found++;
  }
  return found / (sampleRows * k);
}
