/**
 * t-SNE's input affinities P as a sparse symmetric matrix, computed as scikit-learn's Barnes-Hut path does:
 * per point, a Gaussian over its k nearest neighbours whose width is found by binary search so that the
 * distribution's perplexity matches the target; then P = (P + Pᵀ) / sum.
 */

/** Compressed sparse rows: row i's columns are `columns[rowStart[i] .. rowStart[i+1])`. */
export interface SparseAffinities {
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

const PERPLEXITY_TOLERANCE = 1e-5;
const BINARY_SEARCH_STEPS = 100;

/**
 * Conditional probabilities p(j|i) over each row's k neighbours (row-major rows*k, each row sums to 1).
 * `distances` are squared Euclidean distances for the Euclidean metric (as scikit-learn), plain ones otherwise.
 */
export function conditionalAffinities(distances: Float32Array, rows: number, k: number, perplexity: number): Float64Array {
  const conditional = new Float64Array(rows * k);
  const desiredEntropy = Math.log(perplexity);
  for (let i = 0; i < rows; i++) {
    const offset = i * k;
    // Distances relative to the nearest one: the normalised distribution and its entropy do not change, and
    // exp() cannot underflow to an all-zero row for far-away neighbourhoods.
    let nearest = Infinity;
    for (let j = 0; j < k; j++) nearest = Math.min(nearest, distances[offset + j] as number);
    let beta = 1;
    let betaMin = -Infinity;
    let betaMax = Infinity;
    for (let step = 0; step < BINARY_SEARCH_STEPS; step++) {
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const p = Math.exp(-((distances[offset + j] as number) - nearest) * beta);
        conditional[offset + j] = p;
        sum += p;
      }
      let weightedDistance = 0;
      for (let j = 0; j < k; j++) {
        const p = (conditional[offset + j] as number) / sum;
        conditional[offset + j] = p;
        weightedDistance += ((distances[offset + j] as number) - nearest) * p;
      }
      const entropyDiff = Math.log(sum) + beta * weightedDistance - desiredEntropy;
      if (Math.abs(entropyDiff) <= PERPLEXITY_TOLERANCE) break;
      if (entropyDiff > 0) {
        betaMin = beta;
        beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
      } else {
        betaMax = beta;
        beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
      }
    }
  }
  return conditional;
}

/** P = (C + Cᵀ) / sum(C + Cᵀ) for the rows*k conditional matrix C whose row i's columns are `neighbors[i*k ..]`. */
export function symmetrizeAffinities(conditional: Float64Array, neighbors: Int32Array, rows: number, k: number): SparseAffinities {
  // Transpose first (who lists me as a neighbour), then merge each row's out- and in-lists with a marker array.
  const inCount = new Int32Array(rows + 1);
  for (let e = 0; e < rows * k; e++) inCount[(neighbors[e] as number) + 1]!++;
  for (let i = 0; i < rows; i++) inCount[i + 1]! += inCount[i] as number;
  const inStart = inCount.slice();
  const inFrom = new Int32Array(rows * k);
  const inValue = new Float64Array(rows * k);
  const fill = inCount.slice(0, rows);
  for (let i = 0; i < rows; i++) {
    for (let s = 0; s < k; s++) {
      const j = neighbors[i * k + s] as number;
      const at = fill[j]!++;
      inFrom[at] = i;
      inValue[at] = conditional[i * k + s] as number;
    }
  }

  const rowStart = new Int32Array(rows + 1);
  const columns = new Int32Array(2 * rows * k);
  const values = new Float64Array(2 * rows * k);
  const slotOf = new Int32Array(rows).fill(-1);
  let nnz = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    rowStart[i] = nnz;
    for (let s = 0; s < k; s++) {
      const j = neighbors[i * k + s] as number;
      const v = conditional[i * k + s] as number;
      const slot = slotOf[j] as number;
      if (slot >= 0) {
        values[slot]! += v; // a neighbour listed twice (duplicate vectors can do that): sum like a sparse matrix
      } else {
        slotOf[j] = nnz;
        columns[nnz] = j;
        values[nnz] = v;
        nnz++;
      }
    }
    for (let e = inStart[i] as number; e < (inStart[i + 1] as number); e++) {
      const j = inFrom[e] as number;
      const slot = slotOf[j] as number;
      if (slot >= 0) {
        values[slot]! += inValue[e] as number;
      } else {
        slotOf[j] = nnz;
        columns[nnz] = j;
        values[nnz] = inValue[e] as number;
        nnz++;
      }
    }
    for (let e = rowStart[i] as number; e < nnz; e++) {
      slotOf[columns[e] as number] = -1;
      total += values[e] as number;
    }
  }
  rowStart[rows] = nnz;
  const scale = 1 / Math.max(total, Number.EPSILON);
  for (let e = 0; e < nnz; e++) values[e]! *= scale;
  return { rowStart, columns: columns.slice(0, nnz), values: values.slice(0, nnz) };
}
