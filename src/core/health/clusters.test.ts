import { describe, expect, it } from 'vitest';
import { clusterColumn, clusterLayout, defaultMinClusterSize } from './clusters.js';
import { gridKnn2d } from './grid-knn.js';
import { hdbscanFromKnn } from './hdbscan.js';
import { adjustedRandIndex, blobs2d } from './test-data.js';

const CORNERS: [number, number][] = [
  [0, 0],
  [10, 0],
  [0, 10],
  [10, 10],
];

describe('clusterLayout (HDBSCAN on the 2-D layout)', () => {
  it('recovers well-separated blobs exactly, largest cluster first', () => {
    const { xy, truth } = blobs2d(CORNERS, 150, 1, 1);
    const cluster = clusterLayout(xy);
    expect(adjustedRandIndex(cluster, truth)).toBe(1);
    expect(new Set(cluster).size).toBe(4);
  });

  it('labels far-away scattered points as noise', () => {
    const { xy } = blobs2d(CORNERS, 150, 1, 2);
    const withNoise = new Float32Array(xy.length + 2 * 4);
    withNoise.set(xy);
    withNoise.set([100, 100, -100, 50, 60, -90, 200, 0], xy.length);
    const cluster = clusterLayout(withNoise);
    expect([...cluster.subarray(600)]).toEqual([-1, -1, -1, -1]);
    expect(cluster.subarray(0, 600).every((c) => c >= 0)).toBe(true);
    expect([...cluster]).toEqual([...clusterLayout(withNoise, { graphNeighbors: 603 })]);
  });

  it('gives the same clusters from the 15-NN graph as from the complete graph (exact HDBSCAN)', () => {
    const { xy } = blobs2d([...CORNERS, [5, 5]], 80, 1.6, 3);
    const approx = clusterLayout(xy, { minClusterSize: 20, minSamples: 5 });
    const exact = clusterLayout(xy, { minClusterSize: 20, minSamples: 5, graphNeighbors: 399 });
    expect(adjustedRandIndex(approx, exact)).toBe(1);
  });

  it('splits a dense core from its sparse halo only when the core is stable enough', () => {
    // Two blobs of different density but both clearly separated: both are clusters.
    const dense = blobs2d([[0, 0]], 200, 0.2, 4);
    const sparse = blobs2d([[20, 0]], 200, 3, 5);
    const xy = new Float32Array([...dense.xy, ...sparse.xy]);
    const cluster = clusterLayout(xy, { minClusterSize: 30 });
    const truth = new Int32Array(400).map((_, i) => (i < 200 ? 0 : 1));
    expect(adjustedRandIndex(cluster.map((c) => (c < 0 ? 1 : c)), truth)).toBeGreaterThan(0.9);
  });

  it('returns all noise for fewer points than the minimum cluster size, and one blob alone', () => {
    expect([...clusterLayout(new Float32Array([0, 0, 1, 1, 2, 2]))]).toEqual([-1, -1, -1]);
    expect([...clusterLayout(new Float32Array(0))]).toEqual([]);
    // A single blob never splits into stable parts: with the root excluded it is noise (scikit-learn's default).
    const single = clusterLayout(blobs2d([[0, 0]], 100, 1, 6).xy, { minClusterSize: 60 });
    expect(single.every((c) => c === -1)).toBe(true);
  });

  it('is deterministic', () => {
    const { xy } = blobs2d(CORNERS, 100, 2.5, 7);
    expect([...clusterLayout(xy)]).toEqual([...clusterLayout(xy)]);
  });

  it('accepts any kNN graph (hdbscanFromKnn) and scales the default minimum cluster size', () => {
    const { xy, truth } = blobs2d(CORNERS, 50, 0.5, 8);
    const labels = hdbscanFromKnn(gridKnn2d(xy, 10), { minClusterSize: 10, minSamples: 5 });
    expect(adjustedRandIndex(labels, truth)).toBe(1);
    expect(defaultMinClusterSize(100)).toBe(5);
    expect(defaultMinClusterSize(10_000)).toBe(50);
    expect(defaultMinClusterSize(4_000_000)).toBe(500);
  });
});

describe('clusterColumn', () => {
  it('names clusters and leaves noise uncategorised', () => {
    const column = clusterColumn(new Int32Array([1, -1, 0, 1]));
    expect(column.name).toBe('cluster');
    expect(column.categories).toEqual(['cluster 0', 'cluster 1']);
    expect([...column.codes]).toEqual([1, -1, 0, 1]);
  });
});

describe('cluster selection', () => {
  // Two far-apart groups of 150 points, each made of three tight blobs: one island of three sub-clusters each.
  const subBlobs: [number, number][] = [
    [0, 0],
    [3, 0],
    [1.5, 3],
    [40, 0],
    [43, 0],
    [41.5, 3],
  ];
  const { xy, truth } = blobs2d(subBlobs, 50, 0.6, 9);
  const clusterCount = (labels: Int32Array): number => Math.max(...labels) + 1;
  const islands = truth.map((t) => (t < 3 ? 0 : 1));

  it('excess of mass keeps the islands, leaf selection returns the sub-clusters', () => {
    const eom = clusterLayout(xy, { minClusterSize: 20, maxClusterSize: Infinity });
    expect(adjustedRandIndex(eom, islands)).toBe(1);
    const leaf = clusterLayout(xy, { minClusterSize: 20, selection: 'leaf' });
    expect(clusterCount(leaf)).toBe(6);
    // Points between touching sub-blobs become noise (its own label here), hence not exactly 1.
    expect(adjustedRandIndex(leaf, truth)).toBeGreaterThan(0.8);
  });

  it('maxClusterSize makes excess of mass choose the sub-clusters of a larger cluster', () => {
    const capped = clusterLayout(xy, { minClusterSize: 20, maxClusterSize: 100 });
    expect(clusterCount(capped)).toBe(6);
    expect(adjustedRandIndex(capped, truth)).toBeGreaterThan(0.8);
    // The default cap (half the points) leaves two islands of exactly half alone.
    expect(adjustedRandIndex(clusterLayout(xy, { minClusterSize: 20 }), islands)).toBe(1);
  });
});
