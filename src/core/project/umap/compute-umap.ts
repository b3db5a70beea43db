/**
 * UMAP as umap-learn computes it: kNN graph -> fuzzy simplicial set -> PCA initial layout -> SGD epochs with
 * negative sampling. Written here instead of using umap-js because umap-js is single-threaded and far slower
 * (about 18 s for 10k x 64 on this project's 2-core machine, and 70k rows did not finish): the neighbour search
 * and the epochs run in parallel on a compute pool over shared memory.
 *
 * Determinism: with threads = 1 (the default below PARALLEL_MIN_ROWS rows) a seed gives an identical layout.
 * With more threads the kNN graph, initial layout and edge schedule are still identical for a seed, but the epochs
 * are Hogwild SGD: threads race on shared points, so layouts differ slightly from run to run.
 */
import { createAbortError } from '../errors.js';
import { assertFiniteRows, assertInputShape } from '../input-checks.js';
import { createComputePool, splitRange } from '../knn/compute-pool.js';
import { knnGraph, projectionThreads } from '../knn/knn-graph.js';
import { normalizeLayout } from '../normalize-layout.js';
import { mulberry32 } from '../prng.js';
import type { ProjectionHooks, ProjectionInput, ProjectionParams } from '../types.js';
import { findAbParams } from './ab-curve.js';
import { type EdgeList, fuzzyUnionEdges, type KnnInput, membershipStrengths, smoothKnnDistances } from './fuzzy-graph.js';
import { pcaInitialLayout } from './pca-init.js';
import { resolveUmapParams } from './resolve-params.js';
import type { SgdEpochArgs } from './sgd-epoch.js';
import { umapKernels } from './umap-kernels.js';

/** Below this many rows UMAP has no neighbourhood to speak of; such rows get a fixed layout instead. */
export const MIN_UMAP_ROWS = 4;
const PREVIEW_COUNT = 10;
const SPREAD = 1;
const NEGATIVE_SAMPLE_RATE = 5;
const INITIAL_ALPHA = 1;

/**
 * Lays out `rows` vectors in 2-D. Returns interleaved x,y (length 2*rows) normalised so the longer side spans
 * [-1, 1] (see normalizeLayout). 0 rows give an empty array; 1 to 3 rows a fixed layout on a circle of radius 0.5
 * (no hooks are called for either). Throws NonFiniteRowsError for NaN/±Infinity, RangeError for a bad shape or
 * parameter, and an AbortError when `shouldStop` says so.
 */
export async function computeUmap(input: ProjectionInput, params: ProjectionParams, hooks: ProjectionHooks = {}): Promise<Float32Array> {
  assertInputShape(input);
  const { data, rows, cols } = input;
  const resolved = resolveUmapParams(Math.max(rows, MIN_UMAP_ROWS), params);
  if (rows < MIN_UMAP_ROWS) return circleLayout(rows);
  assertFiniteRows(input);
  throwIfStopped(hooks);
  const { nNeighbors, nEpochs, seed } = resolved;
  const threads = projectionThreads(rows, params.threads);
  const pool = createComputePool({ threads, kernels: umapKernels });
  try {
    hooks.onStage?.('neighbors');
    hooks.onProgress?.(0, nEpochs);
    const knn = await knnGraph(data, rows, cols, nNeighbors - 1, {
      metric: resolved.metric,
      seed,
      pool,
      onProgress: () => throwIfStopped(hooks),
    });
    throwIfStopped(hooks);
    const shared = pool.threads > 1;
    const schedule = edgeSchedule(fuzzyGraph({ rows, ...knn }, nNeighbors), nEpochs, shared);
    const { a, b } = findAbParams(SPREAD, resolved.minDist);
    const embedding = new Float32Array(shared ? new SharedArrayBuffer(8 * rows) : new ArrayBuffer(8 * rows));
    pcaInitialLayout(data, rows, cols, seed, embedding);
    hooks.onStage?.('layout');

    const parts = splitRange(schedule.count, pool.threads);
    const random = mulberry32(seed);
    const previewEveryEpochs = Math.max(1, Math.round(nEpochs / PREVIEW_COUNT));
    for (let epoch = 0; epoch < nEpochs; epoch++) {
      throwIfStopped(hooks);
      const alpha = INITIAL_ALPHA * (1 - epoch / nEpochs);
      await pool.run(
        parts.map(([startEdge, endEdge]) => {
          const args: SgdEpochArgs = {
            embedding,
            rows,
            ...schedule,
            startEdge,
            endEdge,
            a,
            b,
            alpha,
            negativeSampleRate: NEGATIVE_SAMPLE_RATE,
            epoch,
            seed: Math.floor(random() * 2 ** 32),
          };
          return { kernel: 'umap-sgd-epoch', args: args as unknown as Record<string, unknown> };
        }),
      );
      const done = epoch + 1;
      hooks.onProgress?.(done, nEpochs);
      if (hooks.onPreview && done < nEpochs && done % previewEveryEpochs === 0) hooks.onPreview(normalizeLayout(embedding));
    }
    for (let i = 0; i < embedding.length; i++) {
      if (!Number.isFinite(embedding[i] as number)) throw new Error('UMAP produced a non-finite coordinate');
    }
    return normalizeLayout(embedding);
  } finally {
    await pool.close();
  }
}

/** A function of its own so the graph's intermediate arrays can be collected once the edge list exists. */
function fuzzyGraph(knn: KnnInput, nNeighbors: number): EdgeList {
  const { rhos, sigmas } = smoothKnnDistances(knn, nNeighbors);
  return fuzzyUnionEdges(knn, membershipStrengths(knn, rhos, sigmas));
}

interface EdgeSchedule {
  count: number;
  heads: Int32Array;
  tails: Int32Array;
  epochsPerSample: Float32Array;
  nextSampleEpoch: Float32Array;
  nextNegativeEpoch: Float32Array;
}

/**
 * umap-learn's make_epochs_per_sample: an edge of weight w is sampled every max/w epochs. Edges too weak to be
 * sampled once in the run (w < max/nEpochs) are dropped, as umap-learn zeroes them.
 */
function edgeSchedule(edges: EdgeList, nEpochs: number, shared: boolean): EdgeSchedule {
  let maxWeight = 0;
  for (let e = 0; e < edges.count; e++) maxWeight = Math.max(maxWeight, edges.weights[e] as number);
  const threshold = maxWeight / nEpochs;
  let count = 0;
  for (let e = 0; e < edges.count; e++) if ((edges.weights[e] as number) >= threshold) count++;
  const int32 = (): Int32Array => new Int32Array(shared ? new SharedArrayBuffer(4 * count) : new ArrayBuffer(4 * count));
  const float32 = (): Float32Array => new Float32Array(shared ? new SharedArrayBuffer(4 * count) : new ArrayBuffer(4 * count));
  const schedule: EdgeSchedule = {
    count,
    heads: int32(),
    tails: int32(),
    epochsPerSample: float32(),
    nextSampleEpoch: float32(),
    nextNegativeEpoch: float32(),
  };
  let at = 0;
  for (let e = 0; e < edges.count; e++) {
    const weight = edges.weights[e] as number;
    if (weight < threshold) continue;
    const perSample = maxWeight / weight;
    schedule.heads[at] = edges.heads[e] as number;
    schedule.tails[at] = edges.tails[e] as number;
    schedule.epochsPerSample[at] = perSample;
    schedule.nextSampleEpoch[at] = perSample;
    schedule.nextNegativeEpoch[at] = perSample / NEGATIVE_SAMPLE_RATE;
    at++;
  }
  return schedule;
}

function throwIfStopped(hooks: ProjectionHooks): void {
  if (hooks.shouldStop?.()) throw createAbortError();
}

/** 1 row at the origin; 2 or 3 evenly spaced on a circle of radius 0.5, starting at angle 0. */
function circleLayout(rows: number): Float32Array {
  const xy = new Float32Array(2 * rows);
  if (rows < 2) return xy;
  for (let i = 0; i < rows; i++) {
    const angle = (2 * Math.PI * i) / rows;
    xy[2 * i] = 0.5 * Math.cos(angle);
    xy[2 * i + 1] = 0.5 * Math.sin(angle);
  }
  return xy;
}
