/**
 * Embeds images with a CLIP vision tower in ONNX form (Hugging Face optimum's `onnx/vision_model.onnx` layout:
 * input `pixel_values` [batch,3,224,224] float32, output `image_embeds` [batch,dim]). Rows come out L2-normalised,
 * as CLIP similarity expects. Decoding runs on the calling thread (sharp works on the libuv pool); inference runs
 * in a worker thread, so the next batch decodes while the current one runs.
 */
import { stat } from 'node:fs/promises';
import type { EmbedderInfo } from '../../shared/model/dataset.js';
import { mapWithConcurrency } from '../dataset/concurrency.js';
import { CLIP_FLOATS_PER_IMAGE, decodeClipRgb, writeNormalisedChw } from '../decode/clip-preprocess.js';
import { InThreadClipRunner, type ClipRunner } from './clip-session.js';
import { resolveClipWorkerUrl, WorkerClipRunner } from './clip-worker-runner.js';
import { errorMessage, type EmbedFailure, type EmbedResult, type Embedder, type PreparedBatch } from './embedder.js';
import type { SkippedProvider } from './providers.js';
import { writeUnitRow } from './vectors.js';

export interface OnnxClipEmbedderOptions {
  /** Store key, e.g. 'clip-vit-b32' or 'onnx:<content hash>'. */
  id: string;
  name: string;
  /** Execution providers in order of preference; default this machine's automatic order (`resolveProviderPlan`). */
  providers?: readonly string[];
  /** Default 32; a function picks it for the execution provider the model loaded on. */
  batchSize?: number | ((provider: string) => number);
  /** Images decoded at once within a batch (sharp runs them on the libuv pool); default 8. */
  decodeConcurrency?: number;
  /**
   * 'worker' (default) runs inference in a worker thread; it falls back to 'main' when the worker script is not
   * beside this module (a bundle that does not emit it). 'main' blocks the calling thread during each run.
   */
  inferenceThread?: 'worker' | 'main';
}

/** Spare batch tensors kept for reuse: the running batch and one or two prefetched ones. */
const MAX_POOLED_BUFFERS = 3;

export class OnnxClipEmbedder implements Embedder {
  private readonly pooledBuffers: Float32Array[] = [];
  private closed = false;

  private constructor(
    readonly info: EmbedderInfo,
    readonly batchSize: number,
    private readonly runner: ClipRunner,
    private readonly decodeConcurrency: number,
  ) {}

  /** Loads and checks the model; errors name `modelPath`. */
  static async load(modelPath: string, options: OnnxClipEmbedderOptions): Promise<OnnxClipEmbedder> {
    const checkBatchSize = (size: number): number => {
      if (!Number.isInteger(size) || size < 1) throw new RangeError(`Batch size must be a positive integer, got ${size}`);
      return size;
    };
    if (typeof options.batchSize === 'number') checkBatchSize(options.batchSize);
    const fileStat = await stat(modelPath).catch(() => null);
    if (!fileStat?.isFile()) throw new Error(`Model file not found: ${modelPath}`);

    const workerUrl = options.inferenceThread === 'main' ? null : resolveClipWorkerUrl();
    const runner = workerUrl
      ? await WorkerClipRunner.load(workerUrl, modelPath, options.providers)
      : await InThreadClipRunner.load(modelPath, options.providers);
    const info: EmbedderInfo = { id: options.id, name: options.name, dim: runner.info.dim, executionProvider: runner.info.provider };
    let batchSize: number;
    try {
      batchSize = checkBatchSize(typeof options.batchSize === 'function' ? options.batchSize(runner.info.provider) : (options.batchSize ?? 32));
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new OnnxClipEmbedder(info, batchSize, runner, options.decodeConcurrency ?? 8);
  }

  /** Providers tried before the one in use, with the reason each was skipped. */
  get skippedProviders(): readonly SkippedProvider[] {
    return this.runner.info.skipped;
  }

  get inferenceThread(): 'worker' | 'main' {
    return this.runner.thread;
  }

  async prepare(absPaths: readonly string[], signal?: AbortSignal): Promise<PreparedBatch> {
    if (this.closed) throw new Error('The embedder is closed');
    const buffer = this.acquireBuffer(absPaths.length);
    // Decoded images take the next free slot as they finish, so failures leave no gaps in the tensor.
    const slotByInput = new Int32Array(absPaths.length).fill(-1);
    const failed: EmbedFailure[] = [];
    let slots = 0;
    try {
      await mapWithConcurrency(
        absPaths,
        this.decodeConcurrency,
        async (absPath, index) => {
          let rgb: Uint8Array;
          try {
            rgb = await decodeClipRgb(absPath);
          } catch (error) {
            failed.push({ index, reason: errorMessage(error) });
            return;
          }
          if (signal?.aborted) return; // the buffer may already be back in the pool
          const slot = slots++;
          writeNormalisedChw(rgb, buffer, slot * CLIP_FLOATS_PER_IMAGE);
          slotByInput[index] = slot;
        },
        signal,
      );
    } catch (error) {
      this.releaseBuffer(buffer);
      throw error;
    }
    let used = false;
    return {
      size: absPaths.length,
      discard: () => {
        if (!used) this.releaseBuffer(buffer);
        used = true;
      },
      embed: async () => {
        if (used) throw new Error('This batch was already embedded or discarded');
        used = true;
        return this.embedDecoded(buffer, slots, slotByInput, failed);
      },
    };
  }

  async embedFiles(absPaths: readonly string[], signal?: AbortSignal): Promise<EmbedResult> {
    return (await this.prepare(absPaths, signal)).embed();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pooledBuffers.length = 0;
    await this.runner.release();
  }

  private async embedDecoded(buffer: Float32Array, slots: number, slotByInput: Int32Array, failed: EmbedFailure[]): Promise<EmbedResult> {
    const { dim } = this.info;
    const vectors = new Float32Array(slotByInput.length * dim);
    if (slots === 0) {
      this.releaseBuffer(buffer);
    } else {
      // The buffer travels to the worker and comes back as a new view; a failed run loses it (a new one is made).
      const { embeds, batch } = await this.runner.run(buffer, slots);
      this.releaseBuffer(batch);
      for (let index = 0; index < slotByInput.length; index++) {
        const slot = slotByInput[index] as number;
        if (slot >= 0 && !writeUnitRow(embeds, slot, vectors, index, dim)) {
          failed.push({ index, reason: `The model produced non-finite values for image ${index} of the batch` });
        }
      }
    }
    failed.sort((a, b) => a.index - b.index);
    return { vectors, failed };
  }

  private acquireBuffer(images: number): Float32Array {
    if (images > this.batchSize) return new Float32Array(images * CLIP_FLOATS_PER_IMAGE);
    return this.pooledBuffers.pop() ?? new Float32Array(this.batchSize * CLIP_FLOATS_PER_IMAGE);
  }

  private releaseBuffer(buffer: Float32Array): void {
    // A buffer still in (or lost to) the worker is detached: length 0, so it is not pooled.
    const standard = buffer.length === this.batchSize * CLIP_FLOATS_PER_IMAGE;
    if (standard && !this.closed && this.pooledBuffers.length < MAX_POOLED_BUFFERS) this.pooledBuffers.push(buffer);
  }
}
