/**
 * Near-duplicates from the embedding's kNN graph, grouped greedily keep-first (FiftyOne's rule): walking images in
 * index order, an image not yet grouped keeps its place and claims every ungrouped neighbour closer than the
 * threshold; those get `near_duplicate_of` = the keeper. Because a kNN graph is not symmetric, an image whose own
 * neighbour list holds an earlier keeper within the threshold joins that keeper (the nearest one) instead.
 *
 * Two threshold modes:
 * - 'absolute' (default): cosine distance below `threshold`, default 0.05. FiftyOne suggests 0.1–0.25 for its
 *   default (ResNet/MobileNet) embeddings; CLIP image embeddings sit much closer together (unrelated photos of one
 *   domain commonly have cosine similarity 0.8–0.9, i.e. distance 0.1–0.2), so 0.1 would group images that are
 *   merely similar. 0.05 (similarity 0.95) keeps re-encodes, resizes, crops of a few percent and burst shots.
 * - 'relative': Cleanlab's rule, nearest-neighbour distance below 0.13 × the median nearest-neighbour distance,
 *   which adapts to any embedding scale.
 */
import type { NumberColumn } from '../../shared/model/scores.js';
import { indexColumn, numberColumn, quantile } from './columns.js';
import type { NeighborGraph } from './neighbors.js';

export const DEFAULT_NEAR_DUPLICATE_COSINE_DISTANCE = 0.05;
export const CLEANLAB_NEAR_DUPLICATE_FACTOR = 0.13;

export type NearDuplicateThreshold = { mode: 'absolute'; distance: number } | { mode: 'relative'; factor: number };

export interface NearDuplicateResult {
  /** Index of the keeper of this image's group, or -1 (a keeper, or no near-duplicate). */
  nearDuplicateOf: Int32Array;
  /** Distance to the nearest other image (NaN with a single image). */
  nnDistance: Float32Array;
  /** The distance threshold used (after resolving a relative rule). */
  thresholdDistance: number;
}

export function nearDuplicates(
  knn: NeighborGraph,
  threshold: NearDuplicateThreshold = { mode: 'absolute', distance: DEFAULT_NEAR_DUPLICATE_COSINE_DISTANCE },
): NearDuplicateResult {
  const { rows, k, indices, distances } = knn;
  const nnDistance = new Float32Array(rows);
  for (let i = 0; i < rows; i++) nnDistance[i] = k > 0 ? (distances[i * k] as number) : NaN;
  const thresholdDistance =
    threshold.mode === 'absolute' ? threshold.distance : threshold.factor * quantile(nnDistance, 0.5);

  const nearDuplicateOf = new Int32Array(rows).fill(-1);
  const isKeeper = new Uint8Array(rows);
  const grouped = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    if (grouped[i]) continue;
    // Neighbours are nearest first, so the first earlier keeper found is the nearest.
    let keeper = -1;
    for (let r = 0; r < k; r++) {
      const d = distances[i * k + r] as number;
      if (!(d < thresholdDistance)) break;
      const j = indices[i * k + r] as number;
      if (j < i && isKeeper[j]) {
        keeper = j;
        break;
      }
    }
    grouped[i] = 1;
    if (keeper >= 0) {
      nearDuplicateOf[i] = keeper;
      continue;
    }
    isKeeper[i] = 1;
    for (let r = 0; r < k; r++) {
      const d = distances[i * k + r] as number;
      if (!(d < thresholdDistance)) break;
      const j = indices[i * k + r] as number;
      if (grouped[j]) continue;
      grouped[j] = 1;
      nearDuplicateOf[j] = i;
    }
  }
  return { nearDuplicateOf, nnDistance, thresholdDistance };
}

/** `near_duplicate_of` and `nn_distance`, as points.csv writes them. */
export function nearDuplicateColumns(result: NearDuplicateResult, metric: 'cosine' | 'euclidean'): NumberColumn[] {
  return [
    indexColumn(
      'near_duplicate_of',
      'Near-duplicate of',
      `Index of the first image of this image's near-duplicate group (${metric} distance below ${result.thresholdDistance.toPrecision(3)}, greedy keep-first); blank when none.`,
      result.nearDuplicateOf,
    ),
    numberColumn('nn_distance', 'Nearest-neighbour distance', `${metric === 'cosine' ? 'Cosine' : 'Euclidean'} embedding distance to the most similar other image.`, result.nnDistance, false),
  ];
}
