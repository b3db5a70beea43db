/**
 * Places new vectors into an existing 2-D layout without refitting it: each new row goes to the inverse-distance
 * weighted mean of the 2-D positions of its k nearest fitted rows. This is the start position umap-learn's
 * `transform` uses (a weighted mean of the neighbours' positions); umap-learn then runs a few epochs of
 * optimisation, which this does not: a new point lands inside its neighbourhood but is not pushed apart from it.
 * A row identical to fitted rows lands exactly on them (on their mean if there are several): distance 0, or for
 * cosine below SAME_VECTOR_COSINE_DISTANCE, the float32 rounding of a vector against itself.
 * Neighbour search is exact brute force: O(added · fitted · cols), meant for the handful to few thousand rows a
 * user adds, not for re-laying out a whole dataset.
 */
import { ApiError } from '../../../shared/api/errors.js';
import { assertFiniteRows, assertInputShape } from '../input-checks.js';
import type { ProjectionInput } from '../types.js';

export const SAME_VECTOR_COSINE_DISTANCE = 1e-6;

export interface TransformLayoutOptions {
  /** The vectors the layout was computed from. */
  fitted: ProjectionInput;
  /** Their interleaved x,y positions (length 2 * fitted.rows). */
  fittedXy: Float32Array;
  /** The vectors to place; same number of columns as `fitted`. */
  added: ProjectionInput;
  /** Neighbours each new row is placed by; default 15, at most fitted.rows. */
  k?: number;
  /** Default 'euclidean'. */
  metric?: 'euclidean' | 'cosine';
}

/** Interleaved x,y for the added rows (length 2 * added.rows), in the fitted layout's frame. */
export function transformLayout({ fitted, fittedXy, added, k = 15, metric = 'euclidean' }: TransformLayoutOptions): Float32Array {
  assertInputShape(fitted);
  assertInputShape(added);
  if (added.rows > 0 && added.cols !== fitted.cols) {
    throw new ApiError(
      'dimension-mismatch',
      `the new vectors have ${added.cols} dimensions but the layout was fitted on ${fitted.cols}; embed them with the same model`,
    );
  }
  if (fittedXy.length !== 2 * fitted.rows) {
    throw new ApiError('layout-mismatch', `the layout has ${fittedXy.length / 2} points but ${fitted.rows} fitted vectors were given`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const out = new Float32Array(2 * added.rows);
  if (added.rows === 0) return out;
  if (fitted.rows === 0) throw new ApiError('empty-layout', 'there is no fitted layout to place new points into');
  assertFiniteRows(added);

  const cols = fitted.cols;
  const neighbors = Math.min(k, fitted.rows);
  const reference = metric === 'cosine' ? unitRows(fitted) : fitted.data;
  const queries = metric === 'cosine' ? unitRows(added) : added.data;
  const bestDist = new Float64Array(neighbors);
  const bestIndex = new Int32Array(neighbors);
  for (let q = 0; q < added.rows; q++) {
    bestDist.fill(Infinity);
    const qOffset = q * cols;
    for (let f = 0; f < fitted.rows; f++) {
      const fOffset = f * cols;
      let dist = 0;
      if (metric === 'cosine') {
        let dot = 0;
        for (let c = 0; c < cols; c++) dot += (queries[qOffset + c] as number) * (reference[fOffset + c] as number);
        dist = Math.max(0, 1 - dot);
      } else {
        for (let c = 0; c < cols; c++) {
          const d = (queries[qOffset + c] as number) - (reference[fOffset + c] as number);
          dist += d * d;
        }
      }
      if (dist >= (bestDist[neighbors - 1] as number)) continue;
      let slot = neighbors - 1;
      while (slot > 0 && (bestDist[slot - 1] as number) > dist) {
        bestDist[slot] = bestDist[slot - 1] as number;
        bestIndex[slot] = bestIndex[slot - 1] as number;
        slot--;
      }
      bestDist[slot] = dist;
      bestIndex[slot] = f;
    }
    placeAtWeightedMean(bestDist, bestIndex, neighbors, metric === 'euclidean', fittedXy, out, q);
  }
  return out;
}

function placeAtWeightedMean(
  dist: Float64Array,
  index: Int32Array,
  neighbors: number,
  squared: boolean,
  fittedXy: Float32Array,
  out: Float32Array,
  q: number,
): void {
  let x = 0;
  let y = 0;
  let total = 0;
  const sameLimit = squared ? 0 : SAME_VECTOR_COSINE_DISTANCE;
  const exact = (dist[0] as number) <= sameLimit;
  for (let slot = 0; slot < neighbors; slot++) {
    const d = squared ? Math.sqrt(dist[slot] as number) : (dist[slot] as number);
    // Exact matches alone decide when there are any; otherwise weight 1/d.
    if (exact && d > sameLimit) break;
    const w = exact ? 1 : 1 / d;
    const f = index[slot] as number;
    x += w * (fittedXy[2 * f] as number);
    y += w * (fittedXy[2 * f + 1] as number);
    total += w;
  }
  out[2 * q] = x / total;
  out[2 * q + 1] = y / total;
}

function unitRows({ data, rows, cols }: ProjectionInput): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let c = 0; c < cols; c++) norm += (data[i * cols + c] as number) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < cols; c++) out[i * cols + c] = (data[i * cols + c] as number) * scale;
  }
  return out;
}
