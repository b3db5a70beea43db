import type { KnnMetric } from '../knn/knn-graph.js';
import type { ProjectionParams } from '../types.js';

export interface ResolvedUmapParams {
  nNeighbors: number;
  minDist: number;
  seed: number;
  nEpochs: number;
  metric: KnnMetric;
}

/** The parameters a run with `rows` rows actually uses: what the engine records in LayoutInfo.params. */
export function resolveUmapParams(rows: number, params: ProjectionParams): ResolvedUmapParams {
  const requestedNeighbors = params.nNeighbors ?? 15;
  const minDist = params.minDist ?? 0.1;
  const seed = params.seed ?? 42;
  const metric = params.metric ?? 'euclidean';
  if (!Number.isInteger(requestedNeighbors) || requestedNeighbors < 2) {
    throw new RangeError(`nNeighbors must be an integer of at least 2, got ${requestedNeighbors}`);
  }
  if (!Number.isFinite(minDist) || minDist < 0) throw new RangeError(`minDist must be >= 0, got ${minDist}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (params.nEpochs !== undefined && (!Number.isInteger(params.nEpochs) || params.nEpochs < 1)) {
    throw new RangeError(`nEpochs must be a positive integer, got ${params.nEpochs}`);
  }
  if (metric !== 'euclidean' && metric !== 'cosine') throw new RangeError(`metric must be 'euclidean' or 'cosine', got ${String(metric)}`);
  if (params.threads !== undefined && (!Number.isInteger(params.threads) || params.threads < 1)) {
    throw new RangeError(`threads must be a positive integer, got ${params.threads}`);
  }
  return {
    // nNeighbors counts the point itself, as in umap-learn: a row has nNeighbors - 1 real neighbours.
    nNeighbors: Math.max(2, Math.min(requestedNeighbors, rows - 1)),
    minDist,
    seed,
    nEpochs: params.nEpochs ?? defaultEpochs(rows),
    metric,
  };
}

/** umap-learn's default: more epochs for small data, where each one is cheap and the graph is sparse. */
function defaultEpochs(rows: number): number {
  return rows <= 10_000 ? 500 : 200;
}
