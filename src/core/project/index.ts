/** The 2-D layout module: what the engine uses. */
export { runProjection, type RunProjectionOptions } from './run-projection.js';
export { getProjector, projectionMethods } from './methods.js';
export { computeUmap, resolveUmapParams, type ResolvedUmapParams } from './umap.js';
export { knnGraph, type KnnGraph, type KnnMetric, type KnnOptions } from './knn/index.js';
export { NonFiniteRowsError } from './errors.js';
export { knnLabelAccuracy } from './layout-quality.js';
export { resolveWorkerUrl } from './spawn-worker.js';
export type { ProjectionHooks, ProjectionInput, ProjectionParams, ProjectionStage, Projector } from './types.js';
