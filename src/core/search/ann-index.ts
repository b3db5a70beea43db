/**
 * Approximate nearest neighbours above the exact-search limit: a usearch HNSW graph (C++, prebuilt for Linux and
 * macOS, multi-threaded build). Vectors are stored as f16 in the graph, which halves its memory and build time for
 * a recall@10 above 0.99 on clustered data (measured: `npm run bench:search`); the candidates it returns are
 * rescored exactly in f32 from the caller's vectors, so the scores reported are exact.
 */
import { availableParallelism } from 'node:os';
import { dot, TopKHeap, type TopK } from './top-k.js';

type UsearchModule = typeof import('usearch').default;
type UsearchIndex = InstanceType<UsearchModule['Index']>;

export const ANN_PARAMS = { connectivity: 16, expansionAdd: 64, expansionSearch: 128, quantization: 'f16' } as const;
/** Candidates fetched per wanted result before exact rescoring: cheap, and it repairs f16 rounding in the order. */
const OVERFETCH = 2;

let usearchLoad: Promise<UsearchModule | Error> | null = null;

/** The usearch module, or the reason it cannot load here (e.g. no prebuilt binary for this platform). */
export function loadUsearch(): Promise<UsearchModule | Error> {
  usearchLoad ??= import('usearch').then(
    (m) => m.default,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  return usearchLoad;
}

export class AnnIndex {
  private constructor(
    private readonly index: UsearchIndex,
    readonly rows: number,
    readonly dim: number,
  ) {}

  private static create(usearch: UsearchModule, dim: number): UsearchIndex {
    return new usearch.Index({
      dimensions: dim,
      metric: usearch.MetricKind.IP,
      quantization: usearch.ScalarKind.F16,
      connectivity: ANN_PARAMS.connectivity,
      expansion_add: ANN_PARAMS.expansionAdd,
      expansion_search: ANN_PARAMS.expansionSearch,
      multi: false,
    });
  }

  /** Builds the graph over `vectors` ([rows, dim], unit rows); keys are row numbers. Blocks while it builds. */
  static build(usearch: UsearchModule, vectors: Float32Array, dim: number): AnnIndex {
    const rows = Math.floor(vectors.length / dim);
    const index = AnnIndex.create(usearch, dim);
    const keys = new BigUint64Array(rows);
    for (let r = 0; r < rows; r += 1) keys[r] = BigInt(r);
    if (rows > 0) index.add(keys, vectors.subarray(0, rows * dim), availableParallelism());
    return new AnnIndex(index, rows, dim);
  }

  /** Loads a graph saved by `save`; throws when the file does not hold `rows` vectors of `dim`. */
  static load(usearch: UsearchModule, file: string, rows: number, dim: number): AnnIndex {
    const index = AnnIndex.create(usearch, dim);
    index.load(file);
    if (index.size() !== rows || index.dimensions() !== dim) {
      throw new Error(`${file}: holds ${index.size()} vectors of ${index.dimensions()} dimensions, expected ${rows} of ${dim}`);
    }
    return new AnnIndex(index, rows, dim);
  }

  save(file: string): void {
    this.index.save(file);
  }

  /**
   * The `k` best rows for `query`, rescored exactly against `vectors` (the rows the graph was built from);
   * `skip(row)` leaves rows out.
   */
  search(vectors: Float32Array, query: Float32Array, k: number, skip?: (row: number) => boolean, skipCount = 0): TopK {
    const want = Math.min(this.rows, k);
    const fetch = Math.min(this.rows, want * OVERFETCH + skipCount);
    const heap = new TopKHeap(want);
    if (fetch === 0) return heap.sorted();
    const found = this.index.search(query, fetch, 1);
    for (let i = 0; i < found.keys.length; i += 1) {
      const row = Number(found.keys[i]);
      if (row >= this.rows || (skip?.(row) ?? false)) continue;
      heap.offer(dot(vectors, row * this.dim, query, 0, this.dim), row);
    }
    return heap.sorted();
  }
}
