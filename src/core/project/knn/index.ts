/** Nearest-neighbour graphs for the layouts, and the shared-memory compute pool they run on. */
export { knnGraph, defaultThreads, projectionThreads, PARALLEL_MIN_ROWS, type KnnGraph, type KnnMetric, type KnnOptions } from './knn-graph.js';
export { createComputePool, splitRange, type ComputePool, type KernelRegistry, type PoolTask } from './compute-pool.js';
export { knnKernels } from './knn-kernels.js';
