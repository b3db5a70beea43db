/**
 * Initial 2-D layout from the top two principal components (umap-learn's init='pca'), scaled per axis to [0, 10]
 * as umap-learn scales any initial layout, plus a 1e-4 jitter so duplicate rows do not start on one spot (where
 * no gradient could ever separate them). PCA costs one pass over the data, against minutes for a spectral
 * embedding of a large graph in plain JS.
 */
import { mulberry32 } from '../prng.js';

/** The covariance comes from at most this many evenly spaced rows: two components need no more. */
const COVARIANCE_SAMPLE_ROWS = 20_000;
const POWER_ITERATIONS = 200;
const JITTER = 1e-4;
const LAYOUT_EXTENT = 10;

export function pcaInitialLayout(data: Float32Array, rows: number, cols: number, seed: number, out: Float32Array): void {
  const random = mulberry32(seed ^ 0x5bd1e995);
  const mean = new Float64Array(cols);
  const step = Math.max(1, Math.floor(rows / COVARIANCE_SAMPLE_ROWS));
  let sampled = 0;
  for (let row = 0; row < rows; row += step) {
    sampled++;
    for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) + (data[row * cols + c] as number);
  }
  for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) / sampled;
  const covariance = new Float64Array(cols * cols);
  const centred = new Float64Array(cols);
  for (let row = 0; row < rows; row += step) {
    for (let c = 0; c < cols; c++) centred[c] = (data[row * cols + c] as number) - (mean[c] as number);
    for (let i = 0; i < cols; i++) {
      const ci = centred[i] as number;
      if (ci === 0) continue;
      for (let j = i; j < cols; j++) covariance[i * cols + j] = (covariance[i * cols + j] as number) + ci * (centred[j] as number);
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) covariance[i * cols + j] = covariance[j * cols + i] as number;

  const axes = topTwoEigenvectors(covariance, cols, random);
  for (let axis = 0; axis < 2; axis++) {
    const vector = axes[axis] as Float64Array;
    let min = Infinity;
    let max = -Infinity;
    for (let row = 0; row < rows; row++) {
      let projection = 0;
      for (let c = 0; c < cols; c++) projection += ((data[row * cols + c] as number) - (mean[c] as number)) * (vector[c] as number);
      out[2 * row + axis] = projection;
      if (projection < min) min = projection;
      if (projection > max) max = projection;
    }
    const range = max - min;
    for (let row = 0; row < rows; row++) {
      // A flat axis (all rows equal along it) gets a random spread instead, as umap-learn's random init would.
      const scaled = range > 1e-12 ? (LAYOUT_EXTENT * ((out[2 * row + axis] as number) - min)) / range : LAYOUT_EXTENT * random();
      out[2 * row + axis] = scaled + JITTER * gaussian(random);
    }
  }
}

/** Orthogonal (block power) iteration on a symmetric matrix: two leading eigenvectors, unit length. */
function topTwoEigenvectors(matrix: Float64Array, size: number, random: () => number): [Float64Array, Float64Array] {
  const basis = [new Float64Array(size), new Float64Array(size)] as [Float64Array, Float64Array];
  for (const vector of basis) for (let i = 0; i < size; i++) vector[i] = random() - 0.5;
  const product = new Float64Array(size);
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    for (let v = 0; v < 2; v++) {
      const vector = basis[v] as Float64Array;
      for (let i = 0; i < size; i++) {
        let sum = 0;
        for (let j = 0; j < size; j++) sum += (matrix[i * size + j] as number) * (vector[j] as number);
        product[i] = sum;
      }
      // Gram-Schmidt against the first vector keeps the second one on the next component.
      if (v === 1) {
        const first = basis[0];
        let dot = 0;
        for (let i = 0; i < size; i++) dot += (product[i] as number) * (first[i] as number);
        for (let i = 0; i < size; i++) product[i] = (product[i] as number) - dot * (first[i] as number);
      }
      let norm = 0;
      for (let i = 0; i < size; i++) norm += (product[i] as number) ** 2;
      norm = Math.sqrt(norm);
      // A zero product means no variance left along this direction: keep the (normalised) previous vector.
      if (norm < 1e-30) {
        let previousNorm = 0;
        for (let i = 0; i < size; i++) previousNorm += (vector[i] as number) ** 2;
        previousNorm = Math.sqrt(previousNorm) || 1;
        for (let i = 0; i < size; i++) vector[i] = (vector[i] as number) / previousNorm;
        continue;
      }
      for (let i = 0; i < size; i++) vector[i] = (product[i] as number) / norm;
    }
  }
  return basis;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
