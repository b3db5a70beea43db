/**
 * Exact top-K by inner product over unit rows (= cosine similarity), in one pass over a flat Float32Array.
 * Scores are computed a block of rows at a time into a reused buffer, then offered to a fixed-size min-heap:
 * the scan allocates nothing per row, so 200,000 × 512 floats take one streaming read.
 */

/** The best rows first: `rows[i]` scored `scores[i]`, descending. */
export interface TopK {
  rows: Int32Array;
  scores: Float32Array;
}

const BLOCK_ROWS = 1024;

/** A min-heap of (score, row) pairs holding at most `capacity`: the root is the weakest kept. */
export class TopKHeap {
  private readonly scoresBuf: Float32Array;
  private readonly rowsBuf: Int32Array;
  private size = 0;

  constructor(readonly capacity: number) {
    this.scoresBuf = new Float32Array(capacity);
    this.rowsBuf = new Int32Array(capacity);
  }

  /** The score a candidate must beat to enter (−Infinity until full). */
  get threshold(): number {
    return this.size < this.capacity ? Number.NEGATIVE_INFINITY : (this.scoresBuf[0] as number);
  }

  offer(score: number, row: number): void {
    if (this.capacity === 0) return;
    if (this.size < this.capacity) {
      let i = this.size++;
      // sift up
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((this.scoresBuf[parent] as number) <= score) break;
        this.scoresBuf[i] = this.scoresBuf[parent] as number;
        this.rowsBuf[i] = this.rowsBuf[parent] as number;
        i = parent;
      }
      this.scoresBuf[i] = score;
      this.rowsBuf[i] = row;
      return;
    }
    if (score <= (this.scoresBuf[0] as number)) return;
    // replace the root and sift down
    let i = 0;
    const n = this.size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (this.scoresBuf[right] as number) < (this.scoresBuf[left] as number) ? right : left;
      if ((this.scoresBuf[child] as number) >= score) break;
      this.scoresBuf[i] = this.scoresBuf[child] as number;
      this.rowsBuf[i] = this.rowsBuf[child] as number;
      i = child;
    }
    this.scoresBuf[i] = score;
    this.rowsBuf[i] = row;
  }

  /** The kept pairs, best first (ties: lower row first, so results are deterministic). */
  sorted(): TopK {
    const order = Array.from({ length: this.size }, (_, i) => i).sort(
      (a, b) => (this.scoresBuf[b] as number) - (this.scoresBuf[a] as number) || (this.rowsBuf[a] as number) - (this.rowsBuf[b] as number),
    );
    return { rows: Int32Array.from(order, (i) => this.rowsBuf[i] as number), scores: Float32Array.from(order, (i) => this.scoresBuf[i] as number) };
  }
}

/** Inner product of `a[aOffset..+dim]` and `b[bOffset..+dim]`, unrolled by four. */
export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += (a[aOffset + d] as number) * (b[bOffset + d] as number);
    s1 += (a[aOffset + d + 1] as number) * (b[bOffset + d + 1] as number);
    s2 += (a[aOffset + d + 2] as number) * (b[bOffset + d + 2] as number);
    s3 += (a[aOffset + d + 3] as number) * (b[bOffset + d + 3] as number);
  }
  for (; d < dim; d += 1) s0 += (a[aOffset + d] as number) * (b[bOffset + d] as number);
  return s0 + s1 + s2 + s3;
}

/**
 * The `k` rows of `vectors` ([rows, dim], unit rows) with the highest inner product with `query` (length dim).
 * `skip(row)` true leaves a row out (e.g. the query image itself when asked to exclude it).
 */
export function exactTopK(vectors: Float32Array, dim: number, query: Float32Array, k: number, skip?: (row: number) => boolean): TopK {
  const rows = dim === 0 ? 0 : Math.floor(vectors.length / dim);
  const heap = new TopKHeap(Math.max(0, Math.min(k, rows)));
  const block = new Float32Array(Math.min(BLOCK_ROWS, Math.max(rows, 1)));
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    for (let r = start; r < end; r += 1) block[r - start] = dot(vectors, r * dim, query, 0, dim);
    for (let r = start; r < end; r += 1) {
      const score = block[r - start] as number;
      if (score > heap.threshold && !(skip?.(r) ?? false)) heap.offer(score, r);
    }
  }
  return heap.sorted();
}
