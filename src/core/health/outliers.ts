/**
 * Outliers and uniqueness from the embedding's kNN graph (see neighbors.ts).
 *
 * Outliers follow Cleanlab's OutOfDistribution score on features: d = mean distance to the 10 nearest neighbours,
 * typicality = exp(−d / median(d)), flagged when d > Q3 + 1.7·IQR of d. We expose `outlier_score` = 1 − typicality
 * so that higher means more outlying (higherIsWorse: true), matching the other problem scores.
 *
 * Uniqueness follows FiftyOne's compute_uniqueness: the 0.6/0.3/0.1-weighted distances to the 3 nearest
 * neighbours, divided by their maximum so the most isolated image scores 1. Low uniqueness means redundant.
 */
import type { NumberColumn } from '../../shared/model/scores.js';
import { flagColumn, numberColumn, quantiles } from './columns.js';
import type { NeighborGraph } from './neighbors.js';

export const OUTLIER_NEIGHBORS = 10;
export const OUTLIER_IQR_FACTOR = 1.7;
export const UNIQUENESS_WEIGHTS: readonly number[] = [0.6, 0.3, 0.1];

export interface OutlierResult {
  /** Mean distance to the nearest `neighbors` images. */
  meanDistance: Float32Array;
  /** 1 − exp(−d / median d): 0 for a typical image, towards 1 for an isolated one. */
  outlierScore: Float32Array;
  /** 1 where d > Q3 + iqrFactor·IQR, else 0. */
  isOutlier: Float32Array;
  /** The distance above which an image is flagged. */
  thresholdDistance: number;
}

/** Needs a graph with at least one neighbour per row; uses its first min(k, neighbors) neighbours. */
export function outlierScores(knn: NeighborGraph, options: { neighbors?: number; iqrFactor?: number } = {}): OutlierResult {
  const neighbors = Math.min(options.neighbors ?? OUTLIER_NEIGHBORS, knn.k);
  const iqrFactor = options.iqrFactor ?? OUTLIER_IQR_FACTOR;
  const { rows } = knn;
  const meanDistance = new Float32Array(rows);
  const outlierScore = new Float32Array(rows);
  const isOutlier = new Float32Array(rows);
  if (neighbors < 1) {
    meanDistance.fill(NaN);
    outlierScore.fill(NaN);
    isOutlier.fill(NaN);
    return { meanDistance, outlierScore, isOutlier, thresholdDistance: NaN };
  }
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let r = 0; r < neighbors; r++) sum += knn.distances[i * knn.k + r] as number;
    meanDistance[i] = sum / neighbors;
  }
  const [q1, median, q3] = quantiles(meanDistance, [0.25, 0.5, 0.75]) as [number, number, number];
  const thresholdDistance = q3 + iqrFactor * (q3 - q1);
  for (let i = 0; i < rows; i++) {
    const d = meanDistance[i] as number;
    // With more than half the images exact duplicates the median is 0: then any distance at all is unusual.
    outlierScore[i] = median > 0 ? 1 - Math.exp(-d / median) : d > 0 ? 1 : 0;
    isOutlier[i] = d > thresholdDistance ? 1 : 0;
  }
  return { meanDistance, outlierScore, isOutlier, thresholdDistance };
}

/** FiftyOne's uniqueness in [0, 1]; needs at least one neighbour per row (uses the first three). */
export function uniqueness(knn: NeighborGraph): Float32Array {
  const { rows } = knn;
  const used = Math.min(UNIQUENESS_WEIGHTS.length, knn.k);
  const out = new Float32Array(rows);
  if (used === 0) return out.fill(NaN);
  let max = 0;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let r = 0; r < used; r++) sum += (knn.distances[i * knn.k + r] as number) * (UNIQUENESS_WEIGHTS[r] as number);
    out[i] = sum;
    if (sum > max) max = sum;
  }
  if (max > 0) for (let i = 0; i < rows; i++) out[i] = (out[i] as number) / max;
  return out;
}

/** `outlier_score`, `is_outlier` and `uniqueness`, as points.csv writes them. */
export function outlierColumns(knn: NeighborGraph): NumberColumn[] {
  const outliers = outlierScores(knn);
  return [
    numberColumn(
      'outlier_score',
      'Outlier score',
      `1 − exp(−d / median d), d = mean embedding distance to the ${OUTLIER_NEIGHBORS} nearest images (Cleanlab); near 1 = far from everything.`,
      outliers.outlierScore,
      true,
    ),
    flagColumn(
      'is_outlier',
      'Outlier',
      `1 when d is above Q3 + ${OUTLIER_IQR_FACTOR}·IQR of d over the dataset (Cleanlab's rule).`,
      outliers.isOutlier,
    ),
    numberColumn(
      'uniqueness',
      'Uniqueness',
      'Weighted (0.6/0.3/0.1) distance to the 3 nearest images, divided by the dataset maximum (FiftyOne); low = redundant.',
      uniqueness(knn),
      false,
    ),
  ];
}
