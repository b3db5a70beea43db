/** Row-wise vector helpers on flat Float32Arrays. */

/**
 * Writes `source[sourceRow]` scaled to unit L2 norm into `target[targetRow]` (rows of length `dim`).
 * A zero row (a blank image in a weight-free embedder) becomes the uniform unit vector, so that cosine distances
 * stay defined and identical blank images stay identical.
 * Returns false, writing nothing, when the row holds NaN or infinite values.
 */
export function writeUnitRow(source: Float32Array, sourceRow: number, target: Float32Array, targetRow: number, dim: number): boolean {
  const from = sourceRow * dim;
  const to = targetRow * dim;
  let sumOfSquares = 0;
  for (let i = 0; i < dim; i++) {
    const v = source[from + i] as number;
    sumOfSquares += v * v;
  }
  if (!Number.isFinite(sumOfSquares)) return false;
  if (sumOfSquares === 0) {
    target.fill(1 / Math.sqrt(dim), to, to + dim);
    return true;
  }
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let i = 0; i < dim; i++) target[to + i] = (source[from + i] as number) * scale;
  return true;
}
