/** Test data: seeded gaussian blobs, so tests of layout quality see the same points on every run. */
import { mulberry32 } from './prng.js';

export interface ClusterFixture {
  data: Float32Array;
  rows: number;
  cols: number;
  labels: Int32Array;
}

/** `clusterCount` blobs of `perCluster` points in `cols` dimensions; centres ~`separation` apart, unit spread. */
export function gaussianClusters(clusterCount: number, perCluster: number, cols: number, separation = 8, seed = 7): ClusterFixture {
  const random = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusterCount }, () => Array.from({ length: cols }, () => normal() * separation));
  const rows = clusterCount * perCluster;
  const data = new Float32Array(rows * cols);
  const labels = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    // Interleave the clusters so row order says nothing about the label.
    const cluster = row % clusterCount;
    labels[row] = cluster;
    const centre = centres[cluster] as number[];
    for (let c = 0; c < cols; c++) data[row * cols + c] = (centre[c] as number) + normal();
  }
  return { data, rows, cols, labels };
}
