/**
 * Runs an embedder over many images in batches, decoding the next batch(es) while the model runs the current
 * one. At most `1 + prefetchBatches` batches are held at once, so memory stays flat however large the folder.
 * Each finished batch is handed to `onBatch` before the next is run, so that a caller persisting there loses at
 * most one batch of work to a cancel or a crash.
 */
import type { Embedder, PreparedBatch } from './embedder.js';

export interface EmbedInBatchesOptions {
  embedder: Embedder;
  absPaths: readonly string[];
  /** The caller's image index for each path (same length as absPaths); reported back in callbacks. */
  idxs: ArrayLike<number>;
  signal?: AbortSignal;
  /** Batches decoded ahead of the one running; default 2. */
  prefetchBatches?: number;
  /** Embedded images of a finished batch: `vectors` is row-major [idxs.length, dim], unit rows. Awaited. */
  onBatch: (idxs: Uint32Array, vectors: Float32Array) => void | Promise<void>;
  /** An image that could not be embedded; `reason` names the file. */
  onFailed: (idx: number, reason: string) => void;
  /** Images processed (embedded or failed) so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface EmbedInBatchesSummary {
  embedded: number;
  failed: number;
}

/**
 * Rejects with the signal's reason as soon as it aborts (a batch already running in the model is finished and
 * delivered first: onnxruntime cannot interrupt a run).
 */
export async function embedInBatches(options: EmbedInBatchesOptions): Promise<EmbedInBatchesSummary> {
  const { embedder, absPaths, idxs, signal } = options;
  if (idxs.length !== absPaths.length) throw new Error(`idxs has ${idxs.length} entries for ${absPaths.length} paths`);
  const prefetch = Math.max(1, options.prefetchBatches ?? 2);
  const batchSize = Math.max(1, embedder.batchSize);
  const total = absPaths.length;
  const batchCount = Math.ceil(total / batchSize);
  const { dim } = embedder.info;

  const queue: { start: number; prepared: Promise<PreparedBatch> }[] = [];
  let nextBatch = 0;
  const fillQueue = (): void => {
    while (queue.length < prefetch && nextBatch < batchCount) {
      const start = nextBatch++ * batchSize;
      const prepared = embedder.prepare(absPaths.slice(start, start + batchSize), signal);
      prepared.catch(() => undefined); // an abort may reject it before it is awaited: not an unhandled rejection
      queue.push({ start, prepared });
    }
  };
  const discardWhenReady = (prepared: Promise<PreparedBatch>): void => {
    prepared.then((batch) => batch.discard()).catch(() => undefined); // aborted prepares reject; nothing to free
  };

  let done = 0;
  let embedded = 0;
  let failed = 0;
  try {
    signal?.throwIfAborted();
    fillQueue();
    while (queue.length > 0) {
      const { start, prepared } = queue.shift() as (typeof queue)[number];
      let batch: PreparedBatch;
      try {
        batch = await untilAborted(prepared, signal);
      } catch (error) {
        discardWhenReady(prepared);
        throw error;
      }
      fillQueue(); // decode ahead while this batch runs
      const result = await batch.embed();

      const failedInBatch = new Set<number>();
      for (const failure of result.failed) {
        failedInBatch.add(failure.index);
        options.onFailed(idxs[start + failure.index] as number, failure.reason);
      }
      const okCount = batch.size - failedInBatch.size;
      if (okCount > 0) {
        const batchIdxs = new Uint32Array(okCount);
        const vectors = okCount === batch.size ? result.vectors : new Float32Array(okCount * dim);
        for (let i = 0, row = 0; i < batch.size; i++) {
          if (failedInBatch.has(i)) continue;
          batchIdxs[row] = idxs[start + i] as number;
          if (vectors !== result.vectors) vectors.set(result.vectors.subarray(i * dim, (i + 1) * dim), row * dim);
          row++;
        }
        await options.onBatch(batchIdxs, vectors);
      }
      embedded += okCount;
      failed += failedInBatch.size;
      done += batch.size;
      options.onProgress?.(done, total);
      signal?.throwIfAborted();
    }
  } finally {
    for (const { prepared } of queue.splice(0)) discardWhenReady(prepared);
  }
  return { embedded, failed };
}

/** Resolves like `promise`, but rejects with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
