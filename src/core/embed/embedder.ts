/** What every image embedder offers the engine. */
import type { EmbedderInfo } from '../../shared/model/dataset.js';

export interface EmbedFailure {
  /** Position in the `absPaths` given to the embedder. */
  index: number;
  /** Human-readable; names the file. */
  reason: string;
}

export interface EmbedResult {
  /**
   * Row-major [absPaths.length, info.dim], rows in input order, each of unit L2 norm. Rows of failed images are
   * zero and listed in `failed`.
   */
  vectors: Float32Array;
  /** Images that could not be decoded, in input order; the rest of the batch is still embedded. */
  failed: EmbedFailure[];
}

/**
 * A batch whose images are decoded and ready for the model. Splitting decode from inference lets a pipeline
 * decode the next batch while the current one runs.
 */
export interface PreparedBatch {
  readonly size: number;
  /** Runs the model; call at most once. Frees the batch's buffers. */
  embed(): Promise<EmbedResult>;
  /** Frees the batch's buffers without running it (cancelled pipelines). */
  discard(): void;
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /** The batch size the embedder is tuned for; `prepare` accepts any size. */
  readonly batchSize: number;
  /** What the user should know about how it runs: a slower path it had to take, and why. None when absent. */
  readonly notices?: readonly string[];
  /** Decodes and preprocesses the images; rejects only when `signal` aborts. */
  prepare(absPaths: readonly string[], signal?: AbortSignal): Promise<PreparedBatch>;
  /** prepare + embed in one call. */
  embedFiles(absPaths: readonly string[], signal?: AbortSignal): Promise<EmbedResult>;
  close(): Promise<void>;
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
