/**
 * The 2-D start layout scikit-learn's `init='pca'` gives: the data projected on its first two principal axes,
 * scaled so the first coordinate's standard deviation is 1e-4 (a tiny start keeps early exaggeration stable).
 * The axes come from orthogonal (subspace) iteration on the covariance, applied as Xcᵀ(Xc·V) so no cols×cols
 * matrix is formed, then a 2×2 Rayleigh-Ritz step to order them: cheap for 512-d CLIP vectors as for 64-d ones.
 */
import { mulberry32 } from '../prng.js';

export const PCA_INIT_STD = 1e-4;
const MAX_ITERATIONS = 200;
const CONVERGED_COSINE = 1 - 1e-9;

export function pcaInitialLayout(data: Float32Array, rows: number, cols: number, seed: number): Float64Array {
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) mean[c]! += data[i * cols + c] as number;
  for (let c = 0; c < cols; c++) mean[c]! /= Math.max(rows, 1);

  const random = mulberry32(seed);
  let basis = [Float64Array.from({ length: cols }, () => random() - 0.5), Float64Array.from({ length: cols }, () => random() - 0.5)];
  orthonormalize(basis);
  const scores = [new Float64Array(rows), new Float64Array(rows)];
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    projectRows(data, rows, cols, mean, basis, scores);
    const next = [new Float64Array(cols), new Float64Array(cols)];
    for (let i = 0; i < rows; i++) {
      const s0 = scores[0]![i] as number;
      const s1 = scores[1]![i] as number;
      for (let c = 0; c < cols; c++) {
        const x = (data[i * cols + c] as number) - (mean[c] as number);
        next[0]![c]! += x * s0;
        next[1]![c]! += x * s1;
      }
    }
    const norms = orthonormalize(next);
    // A second axis with (numerically) no variance never settles; the first one alone decides then.
    const secondIsNoise = (norms[1] as number) <= 1e-12 * (norms[0] as number);
    const converged =
      Math.abs(dot(next[0]!, basis[0]!)) > CONVERGED_COSINE && (secondIsNoise || Math.abs(dot(next[1]!, basis[1]!)) > CONVERGED_COSINE);
    basis = next;
    if (converged) break;
  }
  projectRows(data, rows, cols, mean, basis, scores);
  const xy = rayleighRitz(scores[0]!, scores[1]!, rows);

  // Scale like scikit-learn: population std of the first coordinate becomes PCA_INIT_STD.
  let sumSq = 0;
  for (let i = 0; i < rows; i++) sumSq += (xy[2 * i] as number) ** 2;
  const std = Math.sqrt(sumSq / Math.max(rows, 1));
  const scale = std > 0 ? PCA_INIT_STD / std : 0;
  for (let e = 0; e < xy.length; e++) xy[e]! *= scale;
  if (scale === 0) {
    // No variance at all (every row identical): a seeded tiny jitter lets the optimiser separate the points.
    for (let e = 0; e < xy.length; e++) xy[e] = (random() - 0.5) * PCA_INIT_STD;
  }
  return xy;
}

function projectRows(data: Float32Array, rows: number, cols: number, mean: Float64Array, basis: Float64Array[], out: Float64Array[]): void {
  const b0 = basis[0]!;
  const b1 = basis[1]!;
  for (let i = 0; i < rows; i++) {
    let s0 = 0;
    let s1 = 0;
    for (let c = 0; c < cols; c++) {
      const x = (data[i * cols + c] as number) - (mean[c] as number);
      s0 += x * (b0[c] as number);
      s1 += x * (b1[c] as number);
    }
    out[0]![i] = s0;
    out[1]![i] = s1;
  }
}

/** Rotates the two score columns onto the principal axes of their 2×2 covariance; returns interleaved x,y. */
function rayleighRitz(a: Float64Array, b: Float64Array, rows: number): Float64Array {
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < rows; i++) {
    saa += (a[i] as number) ** 2;
    sbb += (b[i] as number) ** 2;
    sab += (a[i] as number) * (b[i] as number);
  }
  // Angle of the major axis of [[saa, sab], [sab, sbb]].
  const angle = 0.5 * Math.atan2(2 * sab, saa - sbb);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const xy = new Float64Array(2 * rows);
  let maxAbsX = 0;
  let maxAbsY = 0;
  for (let i = 0; i < rows; i++) {
    const x = cos * (a[i] as number) + sin * (b[i] as number);
    const y = -sin * (a[i] as number) + cos * (b[i] as number);
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
    if (Math.abs(x) > Math.abs(maxAbsX)) maxAbsX = x;
    if (Math.abs(y) > Math.abs(maxAbsY)) maxAbsY = y;
  }
  // A fixed sign convention (largest coordinate positive), so the start does not depend on the random basis.
  const flipX = maxAbsX < 0 ? -1 : 1;
  const flipY = maxAbsY < 0 ? -1 : 1;
  for (let i = 0; i < rows; i++) {
    xy[2 * i]! *= flipX;
    xy[2 * i + 1]! *= flipY;
  }
  return xy;
}

/** Gram-Schmidt in place; returns each vector's norm before it was scaled to 1. */
function orthonormalize(vectors: Float64Array[]): number[] {
  const norms: number[] = [];
  for (let v = 0; v < vectors.length; v++) {
    const vector = vectors[v]!;
    for (let u = 0; u < v; u++) {
      const projection = dot(vector, vectors[u]!);
      for (let c = 0; c < vector.length; c++) vector[c]! -= projection * (vectors[u]![c] as number);
    }
    const norm = Math.sqrt(dot(vector, vector));
    norms.push(norm);
    if (norm > 0) for (let c = 0; c < vector.length; c++) vector[c]! /= norm;
  }
  return norms;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let c = 0; c < a.length; c++) sum += (a[c] as number) * (b[c] as number);
  return sum;
}
