/**
 * "Re-project selection": lays out only the chosen rows, as a fresh projection of their own (the UI shows it in
 * place of the full map). The rows are gathered into a new buffer, so the caller's matrix is never transferred.
 */
import { ApiError } from '../../../shared/api/errors.js';
import { assertInputShape } from '../input-checks.js';
import { runProjection, type RunProjectionOptions } from '../run-projection.js';

export interface ProjectSubsetOptions extends RunProjectionOptions {
  /** Rows of `data` to lay out, in the order the result lists them; each in [0, rows). */
  indices: Uint32Array;
}

/** Interleaved x,y (length 2 * indices.length, normalised into [-1, 1]); point i is row indices[i]. */
export async function projectSubset(options: ProjectSubsetOptions): Promise<Float32Array> {
  const { indices, data, rows, cols, ...rest } = options;
  assertInputShape({ data, rows, cols });
  const subset = gatherRows(data, rows, cols, indices);
  return runProjection({ ...rest, data: subset, rows: indices.length, cols });
}

/** Copies rows `indices` of a row-major matrix into a new one; throws an ApiError naming a row out of range. */
export function gatherRows(data: Float32Array, rows: number, cols: number, indices: Uint32Array): Float32Array {
  const out = new Float32Array(indices.length * cols);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] as number;
    if (row >= rows) throw new ApiError('index-out-of-range', `selection index ${row} (position ${i}) is out of range for ${rows} rows`);
    out.set(data.subarray(row * cols, (row + 1) * cols), i * cols);
  }
  return out;
}
