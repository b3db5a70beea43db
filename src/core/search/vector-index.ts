/**
 * One embedder's vectors ready to search: exact top-K up to `exactMaxPoints` rows, a usearch graph above. Rows are
 * the store's embedding rows (ascending image index); callers speak image indices.
 */
import { ApiError } from '../../shared/api/errors.js';
import type { StoredEmbeddings } from '../store/project-store.js';
import type { AnnIndex } from './ann-index.js';
import { exactTopK, type TopK } from './top-k.js';

/** Up to this many points every search is exact (one pass takes ~0.1 s at 200,000 × 512); above it, the graph. */
export const EXACT_SEARCH_MAX_POINTS = 200_000;

export interface SearchHits {
  /** Image indices, best first. */
  indices: Uint32Array;
  /** Cosine similarity of each, descending. */
  scores: Float32Array;
}

export class VectorIndex {
  private readonly rowOfImage: Int32Array;

  /** `embeddings.data` must hold unit rows (see `normalizeRows`). */
  constructor(
    readonly embeddings: StoredEmbeddings,
    readonly ann: AnnIndex | null,
    /** Why a large index searches exactly anyway (the graph library could not load), else null. */
    readonly annUnavailableReason: string | null = null,
  ) {
    const { idxs } = embeddings;
    const maxIdx = idxs.length > 0 ? (idxs[idxs.length - 1] as number) : -1;
    this.rowOfImage = new Int32Array(maxIdx + 1).fill(-1);
    idxs.forEach((idx, row) => (this.rowOfImage[idx] = row));
  }

  get size(): number {
    return this.embeddings.idxs.length;
  }

  get dim(): number {
    return this.embeddings.dim;
  }

  /** The unit mean of these images' vectors: the query of "find similar". */
  queryForImages(indices: readonly number[]): Float32Array {
    if (indices.length === 0) throw new ApiError('bad-request', 'Find similar needs at least one image index');
    const { dim, data } = this.embeddings;
    const query = new Float32Array(dim);
    for (const idx of indices) {
      const row = Number.isInteger(idx) ? (this.rowOfImage[idx] ?? -1) : -1;
      if (row < 0) throw new ApiError('not-embedded', `Image #${idx} has no embedding (it was skipped or is not in the dataset); run the analysis first`);
      for (let d = 0; d < dim; d += 1) query[d] = (query[d] as number) + (data[row * dim + d] as number);
    }
    normalizeInPlace(query);
    return query;
  }

  /** The `k` images most similar to `query` (unit, length dim), leaving out `excludeImages`. */
  search(query: Float32Array, k: number, excludeImages: readonly number[] = []): SearchHits {
    if (query.length !== this.dim) throw new ApiError('dimension-mismatch', `The query has ${query.length} dimensions, the embeddings ${this.dim}`);
    const excludedRows = new Set<number>();
    for (const idx of excludeImages) {
      const row = this.rowOfImage[idx] ?? -1;
      if (row >= 0) excludedRows.add(row);
    }
    const skip = excludedRows.size > 0 ? (row: number) => excludedRows.has(row) : undefined;
    const top: TopK = this.ann
      ? this.ann.search(this.embeddings.data, query, k, skip, excludedRows.size)
      : exactTopK(this.embeddings.data, this.dim, query, k, skip);
    return { indices: Uint32Array.from(top.rows, (row) => this.embeddings.idxs[row] as number), scores: top.scores };
  }
}

/** Scales each row to unit length in place (zero rows stay zero): imported embeddings may not be normalised. */
export function normalizeRows(data: Float32Array, dim: number): void {
  for (let start = 0; start + dim <= data.length; start += dim) normalizeInPlace(data.subarray(start, start + dim));
}

function normalizeInPlace(v: Float32Array): void {
  let sumOfSquares = 0;
  for (const x of v) sumOfSquares += x * x;
  if (sumOfSquares === 0 || !Number.isFinite(sumOfSquares)) return;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let d = 0; d < v.length; d += 1) v[d] = (v[d] as number) * scale;
}
