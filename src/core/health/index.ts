/**
 * Dataset health checks: pure functions on column-oriented typed arrays, each returning ScoreColumns named as
 * points.csv writes them. The engine computes the embedding's kNN graph once (embeddingNeighbors) and the pixel
 * stats once per image (runPixelChecks; persisted by QUALITY_STATS_VERSION), then derives every column from them.
 */
export { embeddingNeighbors, type NeighborGraph, type NeighborOptions } from './neighbors.js';
export { clusterColumn, clusterLayout, defaultMinClusterSize, type ClusterOptions } from './clusters.js';
export { hdbscanFromKnn, type BridgeFinder, type HdbscanOptions } from './hdbscan.js';
export { gridKnn2d } from './grid-knn.js';
export { summarizeClusters, type ClusterSummaryInput } from './cluster-summary.js';
export { outlierColumns, outlierScores, uniqueness, type OutlierResult } from './outliers.js';
export {
  CLEANLAB_NEAR_DUPLICATE_FACTOR,
  DEFAULT_NEAR_DUPLICATE_COSINE_DISTANCE,
  nearDuplicateColumns,
  nearDuplicates,
  type NearDuplicateResult,
  type NearDuplicateThreshold,
} from './near-duplicates.js';
export { duplicateColumn, exactDuplicates, pixelHash, pixelHashOf } from './duplicates.js';
export { leakColumns, leakySplits, type LeakResult } from './leaks.js';
export { CLASS_IMBALANCE_THRESHOLD, classImbalance, imbalanceColumns, type ClassImbalance } from './imbalance.js';
export { imageQualityStats, QUALITY_STATS_DIM, QUALITY_STATS_VERSION, QualityStat } from './quality-stats.js';
export { blurScore, CLEANVISION_THRESHOLDS, qualityFlags, type QualityThresholds } from './quality-flags.js';
export { runPixelChecks, type PixelCheckOptions, type PixelChecks } from './pixel-checks.js';
export { flagColumn, indexColumn, numberColumn, categoryColumn } from './columns.js';
