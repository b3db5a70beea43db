/**
 * umap-learn's fuzzy simplicial set: per-row smooth kNN distances (rho, sigma), membership strengths, and the
 * fuzzy union P + Pᵀ - P∘Pᵀ, kept as a directed edge list holding both directions of every pair (as umap-learn's
 * symmetric matrix does), grouped by head row. Typed arrays only: a million rows stay a few hundred MB.
 */

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;
const BINARY_SEARCH_STEPS = 64;

export interface KnnInput {
  rows: number;
  /** Neighbours per row, self excluded. */
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

/**
 * Per row: rho, the distance to the nearest neighbour at a non-zero distance, and sigma such that
 * Σ exp(-max(0, d - rho)/sigma) = log2(nNeighbors), nNeighbors counting the point itself as umap-learn does.
 */
export function smoothKnnDistances({ rows, k, distances }: KnnInput, nNeighbors: number): { rhos: Float32Array; sigmas: Float32Array } {
  const target = Math.log2(nNeighbors);
  const rhos = new Float32Array(rows);
  const sigmas = new Float32Array(rows);
  let meanAll = 0;
  for (let slot = 0; slot < rows * k; slot++) meanAll += distances[slot] as number;
  meanAll /= rows * k;
  for (let row = 0; row < rows; row++) {
    const base = row * k;
    let rho = 0;
    let rowMean = 0;
    for (let slot = base; slot < base + k; slot++) {
      const d = distances[slot] as number;
      rowMean += d;
      if (rho === 0 && d > 0) rho = d;
    }
    rowMean /= k;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let step = 0; step < BINARY_SEARCH_STEPS; step++) {
      let psum = 0;
      for (let slot = base; slot < base + k; slot++) {
        const d = (distances[slot] as number) - rho;
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_K_DIST_SCALE * (rho > 0 ? rowMean : meanAll);
    rhos[row] = rho;
    sigmas[row] = Math.max(mid, floor);
  }
  return { rhos, sigmas };
}

/** Edges sorted by head row. `weights` are fuzzy-union memberships in (0, 1]. */
export interface EdgeList {
  count: number;
  heads: Int32Array;
  tails: Int32Array;
  weights: Float32Array;
}

/** P[i][slot] = exp(-(d - rho_i)/sigma_i), 1 within rho. */
export function membershipStrengths(knn: KnnInput, rhos: Float32Array, sigmas: Float32Array): Float32Array {
  const { rows, k, distances } = knn;
  const strengths = new Float32Array(rows * k);
  for (let row = 0; row < rows; row++) {
    const rho = rhos[row] as number;
    const sigma = sigmas[row] as number;
    for (let slot = row * k; slot < (row + 1) * k; slot++) {
      const excess = (distances[slot] as number) - rho;
      strengths[slot] = excess <= 0 || sigma === 0 ? 1 : Math.exp(-excess / sigma);
    }
  }
  return strengths;
}

/** Fuzzy union of the directed membership graph, both directions of every pair, zero weights dropped. */
export function fuzzyUnionEdges(knn: KnnInput, strengths: Float32Array): EdgeList {
  const { rows, k, indices } = knn;
  // reverseStrength[slot] = P[j][i] for the slot holding i -> j, 0 when i is not among j's neighbours.
  const reverseStrength = new Float32Array(rows * k);
  const degree = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++) {
    for (let slot = row * k; slot < (row + 1) * k; slot++) {
      const other = indices[slot] as number;
      let back = 0;
      for (let otherSlot = other * k; otherSlot < (other + 1) * k; otherSlot++) {
        if (indices[otherSlot] === row) {
          back = strengths[otherSlot] as number;
          break;
        }
      }
      reverseStrength[slot] = back;
      if ((strengths[slot] as number) <= 0) continue;
      degree[row] = (degree[row] as number) + 1;
      // The mirrored edge other -> row exists in the union only through this slot when row is not in other's list.
      if (back === 0) degree[other] = (degree[other] as number) + 1;
    }
  }
  const offsets = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++) offsets[row + 1] = (offsets[row] as number) + (degree[row] as number);
  const count = offsets[rows] as number;
  const heads = new Int32Array(count);
  const tails = new Int32Array(count);
  const weights = new Float32Array(count);
  const fill = offsets.slice(0, rows);
  const add = (head: number, tail: number, weight: number): void => {
    const at = fill[head] as number;
    heads[at] = head;
    tails[at] = tail;
    weights[at] = weight;
    fill[head] = at + 1;
  };
  for (let row = 0; row < rows; row++) {
    for (let slot = row * k; slot < (row + 1) * k; slot++) {
      const forward = strengths[slot] as number;
      if (forward <= 0) continue;
      const back = reverseStrength[slot] as number;
      const union = forward + back - forward * back;
      const other = indices[slot] as number;
      add(row, other, union);
      if (back === 0) add(other, row, union);
    }
  }
  return { count, heads, tails, weights };
}
