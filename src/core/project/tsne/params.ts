import type { ProjectionParams } from '../types.js';

/** Below this many rows there is no neighbourhood to calibrate; such inputs get a fixed layout (see computeTsne). */
export const MIN_TSNE_ROWS = 4;
/** Barnes-Hut accuracy: a cell is one body when its side is below theta times its distance (scikit-learn's angle). */
export const BARNES_HUT_THETA = 0.5;
/** Iterations with early exaggeration and momentum 0.5 in a default run (scikit-learn's _EXPLORATION_MAX_ITER). */
export const EXPLORATION_ITERATIONS = 250;

export interface ResolvedTsneParams {
  perplexity: number;
  /** Neighbours per point the affinities are computed over: floor(3·perplexity + 1), at most rows - 1. */
  neighbors: number;
  earlyExaggeration: number;
  learningRate: number;
  nIter: number;
  /** Iterations run with exaggeration and momentum 0.5: min(250, floor(nIter / 2)). */
  explorationIterations: number;
  seed: number;
  theta: number;
}

/**
 * The parameters a run over `rows` rows actually uses (what the engine records in LayoutInfo.params).
 *
 * Few rows: the affinities need 3·perplexity neighbours, so when rows - 1 < floor(3·perplexity + 1) the perplexity
 * is reduced to max(1, (rows - 1) / 3) and the neighbour count to rows - 1. `reducedFrom` then holds the requested
 * perplexity so callers can say so. Throws RangeError for a parameter out of range.
 */
export function resolveTsneParams(rows: number, params: ProjectionParams): ResolvedTsneParams & { reducedFrom?: number } {
  const requested = params.perplexity ?? 30;
  const earlyExaggeration = params.earlyExaggeration ?? 12;
  const nIter = params.nIter ?? 1000;
  const seed = params.seed ?? 42;
  const learningRate = params.learningRate ?? 'auto';
  if (!Number.isFinite(requested) || requested < 1) throw new RangeError(`perplexity must be a number of at least 1, got ${requested}`);
  if (!Number.isFinite(earlyExaggeration) || earlyExaggeration < 1) {
    throw new RangeError(`earlyExaggeration must be a number of at least 1, got ${earlyExaggeration}`);
  }
  if (!Number.isInteger(nIter) || nIter < 1) throw new RangeError(`nIter must be a positive integer, got ${nIter}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (learningRate !== 'auto' && (!Number.isFinite(learningRate) || learningRate <= 0)) {
    throw new RangeError(`learningRate must be 'auto' or a positive number, got ${learningRate}`);
  }
  if (params.threads !== undefined && (!Number.isInteger(params.threads) || params.threads < 1)) {
    throw new RangeError(`threads must be a positive integer, got ${params.threads}`);
  }
  const maxNeighbors = Math.max(1, rows - 1);
  let perplexity = requested;
  let reducedFrom: number | undefined;
  if (Math.floor(3 * requested + 1) > maxNeighbors) {
    perplexity = Math.max(1, maxNeighbors / 3);
    reducedFrom = requested;
  }
  return {
    perplexity,
    neighbors: Math.min(maxNeighbors, Math.floor(3 * perplexity + 1)),
    earlyExaggeration,
    // scikit-learn's 'auto' (Belkina et al. 2019): large data needs a larger step or it barely moves.
    learningRate: learningRate === 'auto' ? Math.max(rows / earlyExaggeration / 4, 50) : learningRate,
    nIter,
    explorationIterations: Math.min(EXPLORATION_ITERATIONS, Math.floor(nIter / 2)),
    seed,
    theta: BARNES_HUT_THETA,
    ...(reducedFrom !== undefined ? { reducedFrom } : {}),
  };
}
