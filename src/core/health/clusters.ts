/**
 * Density clusters of the 2-D layout: HDBSCAN (hdbscan.ts) on the layout's exact kNN graph (grid-knn.ts).
 *
 * Why the layout and not the embeddings: the clusters are what the user sees as islands on the map, so a lasso,
 * a cluster outline and a cluster row in the table agree; and 2-D neighbours are exact and cheap (a grid), so 10^6
 * points cluster in seconds. Roboflow instead runs UMAP to 10-D and clusters there, which can split or merge
 * islands the user cannot see. `hdbscanFromKnn` takes any kNN graph, so the engine can cluster a
 * higher-dimensional view with the project kNN module if that is ever wanted.
 */
import type { CategoryColumn } from '../../shared/model/scores.js';
import { categoryColumn } from './columns.js';
import { gridKnn2d } from './grid-knn.js';
import { makeBridgeFinder2d } from './bridge-2d.js';
import { hdbscanFromKnn } from './hdbscan.js';

export interface ClusterOptions {
  /** Smallest cluster; default clamp(round(√n / 2), 5, 500): 50 at 10k points, 500 from 1M. */
  minClusterSize?: number;
  /** Core-distance neighbours; default min(10, minClusterSize). */
  minSamples?: number;
  /** Neighbours in the graph the spanning tree is built from; default max(minSamples, 15). */
  graphNeighbors?: number;
  /** Cluster selection, see HdbscanOptions.selection. */
  selection?: 'eom' | 'leaf';
  /**
   * See HdbscanOptions.maxClusterSize. Default: half the points. Plain excess of mass keeps a map's islands whole,
   * and a map may have only a few: on the Fashion-MNIST pixel layout it returns 3 clusters, one of 61% of the images,
   * with weighted label purity 0.29. A cluster of more than half the data says little about where a model fails, so
   * we choose the sub-clusters of such a cluster instead: 24 clusters, purity 0.57, 16.5% noise
   * (src/core/health/bench/run.ts). A fifth gave purer clusters (0.76) but splits datasets of 2–4 equal blobs.
   */
  maxClusterSize?: number;
}

const DEFAULT_SELECTION = 'eom';

export function defaultMinClusterSize(points: number): number {
  return Math.min(500, Math.max(5, Math.round(Math.sqrt(points) / 2)));
}

/** Cluster id per point of interleaved x,y `xy` (-1 = noise), largest cluster 0. */
export function clusterLayout(xy: Float32Array, options: ClusterOptions = {}): Int32Array {
  const n = xy.length >> 1;
  const minClusterSize = options.minClusterSize ?? defaultMinClusterSize(n);
  const minSamples = options.minSamples ?? Math.min(10, minClusterSize);
  const graphNeighbors = options.graphNeighbors ?? Math.max(minSamples, 15);
  if (n < 2) return new Int32Array(n).fill(-1);
  const knn = gridKnn2d(xy, Math.max(graphNeighbors, minSamples));
  return hdbscanFromKnn(knn, { minClusterSize, minSamples, selection: options.selection ?? DEFAULT_SELECTION, maxClusterSize: options.maxClusterSize ?? Math.max(2 * minClusterSize, Math.floor(n / 2)) }, makeBridgeFinder2d(xy));
}

/** The `cluster` column: categories 'cluster 0'…; noise is -1 (no category). */
export function clusterColumn(cluster: Int32Array): CategoryColumn {
  let max = -1;
  for (const c of cluster) if (c > max) max = c;
  const categories = Array.from({ length: max + 1 }, (_, c) => `cluster ${c}`);
  return categoryColumn(
    'cluster',
    'Cluster',
    'Density cluster of the 2-D map (HDBSCAN); blank for points in no dense group (noise).',
    cluster,
    categories,
  );
}
