/**
 * Embeds images with a CLIP vision tower in ONNX form (Hugging Face optimum's `onnx/vision_model.onnx` layout:
 * input `pixel_values` [batch,3,224,224] float32, output `image_embeds` [batch,dim]). Rows come out L2-normalised,
 * as CLIP similarity expects. Decoding runs in a pool of processes (decode-pool.ts) that send 224×224 RGB bytes;
 * this thread only copies them into the batch; inference (and the float normalisation) runs in a worker thread,
 * so the next batches decode while the current one runs.
 */
import { rm, stat } from 'node:fs/promises';
import type { EmbedderInfo } from '../../shared/model/dataset.js';
import { mapWithConcurrency } from '../dataset/concurrency.js';
import { CLIP_FLOATS_PER_IMAGE, CLIP_PREPROCESSING_REVISION, decodeClipRgb } from '../decode/clip-preprocess.js';
import { DecodePool, defaultDecodeProcesses, resolveDecodeChildUrl } from '../decode/decode-pool.js';
import { InThreadClipRunner, OPTIMUM_CLIP_TENSORS, type ClipRunner, type ClipTensorNames } from './clip-session.js';
import { resolveClipWorkerUrl, WorkerClipRunner } from './clip-worker-runner.js';
import { errorMessage, type EmbedFailure, type EmbedResult, type Embedder, type PreparedBatch } from './embedder.js';
import type { SkippedProvider } from './providers.js';
import { rgbInputModelFor, type RgbInputModel } from './rgb-input-model.js';
import { writeUnitRow } from './vectors.js';

export interface OnnxClipEmbedderOptions {
  /** Store key, e.g. 'clip-vit-b32' or 'onnx:<content hash>'. */
  id: string;
  name: string;
  /** Execution providers in order of preference; default this machine's automatic order (`resolveProviderPlan`). */
  providers?: readonly string[];
  /** Default 32; a function picks it for the execution provider the model loaded on. */
  batchSize?: number | ((provider: string) => number);
  /**
   * Most decode processes; default one per core. They start lazily, as many as the queued work needs. 0 decodes
   * in this process instead (as does a bundle that does not emit decode.child.js).
   */
  decodeProcesses?: number;
  /** Images decoded at once in this process when decodeProcesses is 0 (sharp runs them on the libuv pool); default 8. */
  decodeConcurrency?: number;
  /**
   * 'worker' (default) runs inference in a worker thread; it falls back to 'main' when the worker script is not
   * beside this module (a bundle that does not emit it). 'main' blocks the calling thread during each run.
   */
  inferenceThread?: 'worker' | 'main';
  /** The vision tower's input and output names; default optimum's `pixel_values` -> `image_embeds`. */
  tensors?: ClipTensorNames;
  /** The Hugging Face-layout folder the model came from (its text tower and tokenizer live there). */
  modelDir?: string;
  /**
   * Where RGB-input copies of float-input models are kept (rgb-input-model.ts). Given, a float-input model is
   * rewritten once to take the decoders' bytes and normalise on the device; omitted, it runs from floats.
   */
  rgbInputCacheDir?: string;
}

/** Spare batch buffers kept for reuse: the running batch and one or two prefetched ones. */
const MAX_POOLED_BUFFERS = 3;
/** Fewest images a decode process is sent at once: smaller chunks cost more messages than they gain in spread. */
const MIN_CHUNK_IMAGES = 4;

export class OnnxClipEmbedder implements Embedder {
  /** Batches as 224×224×3 RGB bytes per image; the inference thread normalises them. */
  private readonly pooledBuffers: Uint8Array[] = [];
  private decodePool: DecodePool | null = null;
  private closed = false;

  private constructor(
    readonly info: EmbedderInfo,
    readonly batchSize: number,
    private readonly runner: ClipRunner,
    private decodeProcesses: number,
    private readonly decodeConcurrency: number,
    private readonly model: RgbInputModel,
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

    const tensors = options.tensors ?? OPTIMUM_CLIP_TENSORS;
    let model: RgbInputModel = options.rgbInputCacheDir
      ? await rgbInputModelFor(modelPath, { cacheDir: options.rgbInputCacheDir, inputName: tensors.input, outputName: tensors.output })
      : { path: modelPath, rewritten: false };
    const workerUrl = options.inferenceThread === 'main' ? null : resolveClipWorkerUrl();
    const loadRunner = (path: string): Promise<ClipRunner> =>
      workerUrl ? WorkerClipRunner.load(workerUrl, path, options.providers, tensors) : InThreadClipRunner.load(path, options.providers, tensors);
    let runner: ClipRunner;
    try {
      runner = await loadRunner(model.path);
    } catch (error) {
      if (!model.rewritten) throw error;
      const copyFailure = `its RGB-input copy ${model.path} did not load: ${errorMessage(error).split('\n')[0] ?? ''}`;
      // Removed whatever failed (a damaged copy, no adapter): the next load makes it again, in seconds. Kept, a
      // damaged copy of a float16-input model, which cannot run from floats, would fail every load until deleted.
      await rm(model.path, { force: true }).catch(() => undefined);
      // The model itself decides: its error names the user's file.
      runner = await loadRunner(modelPath).catch((originalError: unknown) => {
        throw new Error(`${errorMessage(originalError)} (and ${copyFailure})`, { cause: originalError });
      });
      model = { path: modelPath, rewritten: false, reason: copyFailure };
    }
    const info: EmbedderInfo = {
      id: options.id,
      name: options.name,
      dim: runner.info.dim,
      executionProvider: runner.info.provider,
      ...(options.modelDir ? { modelDir: options.modelDir } : {}),
      preprocessing: CLIP_PREPROCESSING_REVISION,
    };
    let batchSize: number;
    try {
      batchSize = checkBatchSize(typeof options.batchSize === 'function' ? options.batchSize(runner.info.provider) : (options.batchSize ?? 32));
    } catch (error) {
      await runner.release();
      throw error;
    }
    const decodeProcesses = resolveDecodeChildUrl() ? Math.max(0, Math.floor(options.decodeProcesses ?? defaultDecodeProcesses())) : 0;
    return new OnnxClipEmbedder(info, batchSize, runner, decodeProcesses, options.decodeConcurrency ?? 8, model);
  }

  /**
   * A model run from floats, when its RGB-input copy was not asked for or could not be made: the whole pipeline
   * ran at half the speed on an H100 (797 against 1,644 images/s), so the user is told why.
   */
  get notices(): readonly string[] {
    if (this.runner.info.input === 'rgb-bytes') return [];
    const why = this.model.reason ?? 'no RGB-input copy was asked for';
    return [`${this.info.name} runs from normalised floats, without an RGB-input copy (slower, most of all on a GPU): ${why}`];
  }

  /** The file inference runs: the model itself, or its RGB-input copy; with why the model itself, if it is. */
  get loadedModel(): RgbInputModel {
    return this.model;
  }

  /** Providers tried before the one in use, with the reason each was skipped. */
  get skippedProviders(): readonly SkippedProvider[] {
    return this.runner.info.skipped;
  }

  /** Process ids of the running decode processes (none until the first batch, or when decoding in this process). */
  get decodeProcessIds(): number[] {
    return this.decodePool?.processIds ?? [];
  }

  get inferenceThread(): 'worker' | 'main' {
    return this.runner.thread;
  }

  async prepare(absPaths: readonly string[], signal?: AbortSignal): Promise<PreparedBatch> {
    if (this.closed) throw new Error('The embedder is closed');
    const buffer = this.acquireBuffer(absPaths.length);
    // Decoded images take the next free slot as they finish, so failures leave no gaps in the batch.
    const slotByInput = new Int32Array(absPaths.length).fill(-1);
    const failed: EmbedFailure[] = [];
    let slots = 0;
    const place = (index: number, rgb: Uint8Array): void => {
      const slot = slots++;
      buffer.set(rgb, slot * CLIP_FLOATS_PER_IMAGE);
      slotByInput[index] = slot;
    };
    try {
      // A few images (a search query, a retry) decode faster here than a decode process starts.
      const fewImages = absPaths.length < MIN_CHUNK_IMAGES && this.decodeProcessIds.length === 0;
      if (this.decodeProcesses > 0 && !fewImages) await this.decodeInProcesses(absPaths, place, failed, signal);
      else await this.decodeHere(absPaths, place, failed, signal);
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
    await Promise.all([this.runner.release(), this.decodePool?.close()]);
  }

  /** Spreads the batch over the decode processes in chunks; each chunk comes back as one array of RGB bytes. */
  private async decodeInProcesses(
    absPaths: readonly string[],
    place: (index: number, rgb: Uint8Array) => void,
    failed: EmbedFailure[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    this.decodePool ??= new DecodePool({ maxProcesses: this.decodeProcesses });
    const pool = this.decodePool;
    const chunks = Math.max(1, Math.min(pool.maxProcesses, Math.ceil(absPaths.length / MIN_CHUNK_IMAGES)));
    const chunkImages = Math.ceil(absPaths.length / chunks);
    const decoding: Promise<void>[] = [];
    for (let start = 0; start < absPaths.length; start += chunkImages) {
      const paths = absPaths.slice(start, start + chunkImages);
      decoding.push(
        pool.decode(paths, 'rgb-u8', signal).then(
          ({ pixels, failures }) => {
            if (signal?.aborted) return; // the buffer may already be back in the pool
            const failedInChunk = new Set<number>();
            for (const failure of failures) {
              failedInChunk.add(failure.index);
              failed.push({ index: start + failure.index, reason: failure.reason });
            }
            for (let i = 0; i < paths.length; i++) {
              if (!failedInChunk.has(i)) place(start + i, pixels.subarray(i * CLIP_FLOATS_PER_IMAGE, (i + 1) * CLIP_FLOATS_PER_IMAGE) as Uint8Array);
            }
          },
          async (error: unknown) => {
            if (signal?.aborted || this.closed) throw error;
            // Decode processes cannot start on this host: decode here from now on rather than fail the images.
            this.decodeProcesses = 0;
            const failedHere: EmbedFailure[] = [];
            await this.decodeHere(paths, (i, rgb) => place(start + i, rgb), failedHere, signal);
            for (const failure of failedHere) failed.push({ index: start + failure.index, reason: failure.reason });
          },
        ),
      );
    }
    const settled = await Promise.allSettled(decoding);
    signal?.throwIfAborted();
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
  }

  /** Decodes on the libuv pool of this process: for hosts without the decode process script, and tests. */
  private async decodeHere(
    absPaths: readonly string[],
    place: (index: number, rgb: Uint8Array) => void,
    failed: EmbedFailure[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
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
        place(index, rgb);
      },
      signal,
    );
  }

  private async embedDecoded(buffer: Uint8Array, slots: number, slotByInput: Int32Array, failed: EmbedFailure[]): Promise<EmbedResult> {
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

  private acquireBuffer(images: number): Uint8Array {
    if (images > this.batchSize) return new Uint8Array(images * CLIP_FLOATS_PER_IMAGE);
    return this.pooledBuffers.pop() ?? new Uint8Array(this.batchSize * CLIP_FLOATS_PER_IMAGE);
  }

  private releaseBuffer(buffer: Uint8Array): void {
    // A buffer still in (or lost to) the worker is detached: length 0, so it is not pooled.
    const standard = buffer.length === this.batchSize * CLIP_FLOATS_PER_IMAGE;
    if (standard && !this.closed && this.pooledBuffers.length < MAX_POOLED_BUFFERS) this.pooledBuffers.push(buffer);
  }
}
