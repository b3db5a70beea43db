/**
 * Loading and running a CLIP vision model with onnxruntime, independent of the thread it runs on: the worker
 * (clip-inference.worker.ts) and the in-thread runner share this code.
 *
 * onnxruntime-node's `session.run` is synchronous on the calling thread (its promise only defers the call), so a
 * batch of ViT-B/32 on a laptop CPU blocks for seconds. Run on the engine's thread, that would freeze every other
 * request (thumbnails, progress, cancel) and stop the next batch's decoding; hence the worker by default.
 */
import * as ort from 'onnxruntime-node';
import { CLIP_FLOATS_PER_IMAGE, CLIP_IMAGE_SIZE_PX, writeNormalisedChw } from '../decode/clip-preprocess.js';
import { createSessionWithFallback, type SkippedProvider } from './providers.js';

export const CLIP_INPUT_NAME = 'pixel_values';
export const CLIP_OUTPUT_NAME = 'image_embeds';

/** The vision tower's image input and embedding output; exporters differ (open_clip: `image` -> `embedding`). */
export interface ClipTensorNames {
  input: string;
  output: string;
}
/** Hugging Face optimum's names, the default. */
export const OPTIMUM_CLIP_TENSORS: ClipTensorNames = { input: CLIP_INPUT_NAME, output: CLIP_OUTPUT_NAME };

export interface ClipSessionInfo {
  /** The execution provider in use. */
  provider: string;
  /** Providers tried before it, with why each was skipped. */
  skipped: SkippedProvider[];
  /** Length of an image_embeds row. */
  dim: number;
  /** What the model takes: RGB bytes it normalises itself, or floats normalised before each run. */
  input: 'rgb-bytes' | 'float';
}

/**
 * A batch as [n,3,224,224] normalised floats, or as n 224×224×3 RGB images in bytes (what the decode processes
 * send: a quarter of the bytes to move), normalised next to the session just before the run.
 */
export type ClipBatch = Float32Array | Uint8Array;

/** Runs batches on a loaded model, on some thread. */
export interface ClipRunner {
  readonly info: ClipSessionInfo;
  /** Where inference runs: 'worker' keeps the calling thread free during a run. */
  readonly thread: 'worker' | 'main';
  /**
   * Runs the first `images` images of `batch`. Returns the raw (unnormalised) image_embeds rows and the batch
   * buffer for reuse (a new view when the buffer travelled to a worker and back: `batch` itself is then detached).
   */
  run<T extends ClipBatch>(batch: T, images: number): Promise<{ embeds: Float32Array; batch: T }>;
  release(): Promise<void>;
}

/** Creates the session on the first provider that loads the model, passes the signature check and a warm-up run. */
export async function loadClipSession(
  modelPath: string,
  providers?: readonly string[],
  tensors: ClipTensorNames = OPTIMUM_CLIP_TENSORS,
): Promise<{ session: ort.InferenceSession; info: ClipSessionInfo }> {
  let dim = 0;
  const { session, provider, skipped } = await createSessionWithFallback(modelPath, {
    ...(providers ? { providers } : {}),
    validate: (candidate) => validateClipVisionSignature(candidate, modelPath, tensors),
    warmUp: async (candidate) => {
      const blank = takesRgbBytes(candidate, tensors) ? new Uint8Array(CLIP_FLOATS_PER_IMAGE) : new Float32Array(CLIP_FLOATS_PER_IMAGE);
      const { embeds: output } = await runClipBatch(candidate, blank, 1, null, tensors);
      if (output.length < 1) throw new Error(`${modelPath}: ${tensors.output} came out empty`);
      dim = output.length;
    },
  });
  return { session, info: { provider, skipped, dim, input: takesRgbBytes(session, tensors) ? 'rgb-bytes' : 'float' } };
}

/** Runs `images` images from the start of `batch`; returns image_embeds as a fresh array (safe to transfer). */
export async function runClipSession(
  session: ort.InferenceSession,
  batch: Float32Array,
  images: number,
  tensors: ClipTensorNames = OPTIMUM_CLIP_TENSORS,
): Promise<Float32Array> {
  return runInput(session, new ort.Tensor('float32', batch.subarray(0, images * CLIP_FLOATS_PER_IMAGE), [images, 3, CLIP_IMAGE_SIZE_PX, CLIP_IMAGE_SIZE_PX]), images, tensors);
}

/**
 * Whether the model takes RGB bytes, uint8 [batch,224,224,3], and normalises them in the graph (see
 * scripts/onnx/clip-vision.ts `uint8Input`), rather than normalised float32 [batch,3,224,224].
 */
export function takesRgbBytes(session: ort.InferenceSession, tensors: ClipTensorNames = OPTIMUM_CLIP_TENSORS): boolean {
  const input = session.inputMetadata.find((m) => m.name === tensors.input);
  return input?.isTensor === true && input.type === 'uint8';
}

async function runInput(session: ort.InferenceSession, input: ort.Tensor, images: number, tensors: ClipTensorNames): Promise<Float32Array> {
  const outputs = await session.run({ [tensors.input]: input }, [tensors.output]);
  const output = outputs[tensors.output];
  if (!output || output.type !== 'float32') throw new Error(`The model returned no float32 ${tensors.output}`);
  if (output.dims.length !== 2 || output.dims[0] !== images) {
    throw new Error(`${tensors.output} came out with shape [${output.dims.join(',')}], expected [${images}, dim]`);
  }
  return Float32Array.from(output.data as Float32Array);
}

/**
 * Runs `images` images of `batch`, normalising RGB bytes into `scratch` first (grown when too small; the caller
 * keeps the returned one for the next batch).
 */
export async function runClipBatch(
  session: ort.InferenceSession,
  batch: ClipBatch,
  images: number,
  scratch: Float32Array | null,
  tensors: ClipTensorNames = OPTIMUM_CLIP_TENSORS,
): Promise<{ embeds: Float32Array; scratch: Float32Array | null }> {
  if (takesRgbBytes(session, tensors)) {
    if (!(batch instanceof Uint8Array)) throw new TypeError('This model takes RGB bytes (uint8 [batch,224,224,3]), not normalised floats');
    const input = new ort.Tensor('uint8', batch.subarray(0, images * CLIP_FLOATS_PER_IMAGE), [images, CLIP_IMAGE_SIZE_PX, CLIP_IMAGE_SIZE_PX, 3]);
    return { embeds: await runInput(session, input, images, tensors), scratch };
  }
  if (batch instanceof Float32Array) return { embeds: await runClipSession(session, batch, images, tensors), scratch };
  if (batch.length < images * CLIP_FLOATS_PER_IMAGE) throw new RangeError(`A batch of ${images} RGB images needs ${images * CLIP_FLOATS_PER_IMAGE} bytes, got ${batch.length}`);
  const floats = scratch && scratch.length >= images * CLIP_FLOATS_PER_IMAGE ? scratch : new Float32Array(images * CLIP_FLOATS_PER_IMAGE);
  for (let i = 0; i < images; i++) {
    writeNormalisedChw(batch.subarray(i * CLIP_FLOATS_PER_IMAGE, (i + 1) * CLIP_FLOATS_PER_IMAGE), floats, i * CLIP_FLOATS_PER_IMAGE);
  }
  return { embeds: await runClipSession(session, floats, images, tensors), scratch: floats };
}

/** Runs on the calling thread: for hosts without the worker script, and for quick checks. */
export class InThreadClipRunner implements ClipRunner {
  readonly thread = 'main';
  private readonly inFlight = new Set<Promise<unknown>>();
  private scratch: Float32Array | null = null;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly info: ClipSessionInfo,
    private readonly tensors: ClipTensorNames,
  ) {}

  static async load(modelPath: string, providers?: readonly string[], tensors: ClipTensorNames = OPTIMUM_CLIP_TENSORS): Promise<InThreadClipRunner> {
    const { session, info } = await loadClipSession(modelPath, providers, tensors);
    return new InThreadClipRunner(session, info, tensors);
  }

  async run<T extends ClipBatch>(batch: T, images: number): Promise<{ embeds: Float32Array; batch: T }> {
    const running = runClipBatch(this.session, batch, images, this.scratch, this.tensors);
    this.inFlight.add(running);
    try {
      const { embeds, scratch } = await running;
      this.scratch = scratch;
      return { embeds, batch };
    } finally {
      this.inFlight.delete(running);
    }
  }

  /** Waits for runs in progress: releasing the session under one would free memory it is using. */
  async release(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    await this.session.release();
  }
}

/** Throws an error naming `modelPath` unless the model has a CLIP vision tower's signature. */
export function validateClipVisionSignature(session: ort.InferenceSession, modelPath: string, tensors: ClipTensorNames = OPTIMUM_CLIP_TENSORS): void {
  const fail = (problem: string): never => {
    throw new Error(`${modelPath} is not a CLIP vision model this app can run: ${problem}`);
  };
  const describe = (metadata: readonly ort.InferenceSession.ValueMetadata[]): string =>
    metadata.map((m) => (m.isTensor ? `${m.name} ${m.type}[${m.shape.join(',')}]` : `${m.name} (not a tensor)`)).join(', ');

  const input = session.inputMetadata.find((m) => m.name === tensors.input);
  if (session.inputMetadata.length !== 1 || !input) {
    fail(`its inputs are ${describe(session.inputMetadata)}; expected one input, ${tensors.input} (export the vision tower alone, e.g. optimum's onnx/vision_model.onnx)`);
  } else if (input.isTensor && input.type === 'uint8') {
    // RGB bytes, normalised inside the graph: [batch, 224, 224, 3].
    if (input.shape.length !== 4 || input.shape[3] !== 3) fail(`input ${describe([input])} (uint8) must have 4 dimensions [batch, height, width, 3]`);
    for (const side of input.shape.slice(1, 3)) {
      if (typeof side === 'number' && side !== CLIP_IMAGE_SIZE_PX) fail(`input ${describe([input])} must take ${CLIP_IMAGE_SIZE_PX}×${CLIP_IMAGE_SIZE_PX} images`);
    }
  } else if (!input.isTensor || input.type !== 'float32') {
    fail(`input ${describe([input])} must be a float32 tensor (or uint8 RGB [batch, 224, 224, 3])`);
  } else if (input.shape.length !== 4 || (typeof input.shape[1] === 'number' && input.shape[1] !== 3)) {
    // A named channel dimension is accepted, as for the sides: optimum exports [batch_size, num_channels, height, width].
    fail(`input ${describe([input])} must have 4 dimensions [batch, 3, height, width]`);
  } else {
    for (const side of input.shape.slice(2)) {
      if (typeof side === 'number' && side !== CLIP_IMAGE_SIZE_PX) fail(`input ${describe([input])} must take ${CLIP_IMAGE_SIZE_PX}×${CLIP_IMAGE_SIZE_PX} images`);
    }
  }

  const output = session.outputMetadata.find((m) => m.name === tensors.output);
  if (!output) fail(`it has no ${tensors.output} output (outputs: ${describe(session.outputMetadata)})`);
  else if (!output.isTensor || output.type !== 'float32' || output.shape.length !== 2) {
    fail(`output ${describe([output])} must be a float32 tensor with 2 dimensions [batch, dim]`);
  }
}
