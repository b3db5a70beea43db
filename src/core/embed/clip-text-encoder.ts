/**
 * CLIP's text tower: texts in, L2-normalised `text_embeds` rows out, comparable (by dot product) with the image
 * tower's normalised embeddings. The model is the optimum export of CLIPTextModelWithProjection (inputs
 * `input_ids` and `attention_mask`, int64 [batch, sequence]; output `text_embeds` [batch, dim]); exports without
 * `attention_mask` also load. Texts are tokenised here; inference runs in a worker thread by default
 * (clip-text-worker-runner.ts says why).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../path-exists.js';
import { CLIP_CONTEXT_LENGTH, ClipTokenizer, findTokenizerFile } from '../text/clip-tokenizer.js';
import { InThreadTextRunner, TEXT_MODEL_FILE, TEXT_OUTPUT_NAME, type TextRunner } from './clip-text-session.js';
import { resolveClipTextWorkerUrl, WorkerTextRunner } from './clip-text-worker-runner.js';
import type { SkippedProvider } from './providers.js';
import { writeUnitRow } from './vectors.js';

export { TEXT_MODEL_FILE } from './clip-text-session.js';
export const TEXT_MODEL_FP16_FILE = 'onnx/text_model_fp16.onnx';
/** Texts per inference run. */
export const TEXT_BATCH_SIZE = 64;

export interface ClipTextEncoderOptions {
  tokenizer: ClipTokenizer;
  /** Execution providers to try in order (default: createSessionWithFallback's). */
  providers?: readonly string[];
  /** The image tower's embedding size: a text tower with another fails to load. */
  expectedDim?: number;
  /** 'worker' (the default when the worker script is there) keeps the calling thread free during a run. */
  thread?: 'worker' | 'main';
}

export class ClipTextEncoder {
  private closed = false;

  private constructor(
    private readonly runner: TextRunner,
    private readonly tokenizer: ClipTokenizer,
    /** The model file in use. */
    readonly modelPath: string,
  ) {}

  /**
   * Loads the model on the first provider that works. Throws an error naming `modelPath` when the file is not
   * ONNX (named ModelLoadError), its inputs or output are not a CLIP text tower's, or its dimension is not
   * `expectedDim`.
   */
  static async load(modelPath: string, options: ClipTextEncoderOptions): Promise<ClipTextEncoder> {
    const { tokenizer } = options;
    const warmUpIds = [tokenizer.startId, tokenizer.endId];
    const workerUrl = options.thread === 'main' ? null : resolveClipTextWorkerUrl();
    const runner = workerUrl
      ? await WorkerTextRunner.load(workerUrl, modelPath, options.providers, warmUpIds)
      : await InThreadTextRunner.load(modelPath, options.providers, warmUpIds);
    const { dim } = runner.info;
    const problem =
      dim < 1
        ? `${TEXT_OUTPUT_NAME} came out empty`
        : options.expectedDim !== undefined && dim !== options.expectedDim
          ? `${TEXT_OUTPUT_NAME} has ${dim} values per text, but the image embeddings have ${options.expectedDim}: the towers do not belong together`
          : undefined;
    if (problem) {
      await runner.release().catch(() => undefined); // the dimension error is the one worth reporting
      throw new Error(`${modelPath} is not a CLIP text model this app can run: ${problem}`);
    }
    return new ClipTextEncoder(runner, tokenizer, modelPath);
  }

  /** Length of an embedding row. */
  get dim(): number {
    return this.runner.info.dim;
  }

  /** The execution provider in use. */
  get provider(): string {
    return this.runner.info.provider;
  }

  /** Providers tried before it, with why each was skipped. */
  get skipped(): readonly SkippedProvider[] {
    return this.runner.info.skipped;
  }

  get thread(): 'worker' | 'main' {
    return this.runner.thread;
  }

  /** Row-major [texts.length, dim], each row of unit L2 norm. */
  async encode(texts: readonly string[]): Promise<Float32Array> {
    if (this.closed) throw new Error(`The text encoder for ${this.modelPath} is closed`);
    const { dim } = this;
    const out = new Float32Array(texts.length * dim);
    for (let start = 0; start < texts.length; start += TEXT_BATCH_SIZE) {
      const chunk = texts.slice(start, start + TEXT_BATCH_SIZE);
      // Padding to the longest text rather than to 77 changes nothing (the causal mask hides later positions
      // from the end token) and saves most of the work for short prompts.
      const longest = Math.max(...chunk.map((text) => this.tokenizer.encode(text, CLIP_CONTEXT_LENGTH + 1).length));
      const contextLength = this.runner.info.signature.fixedLength ?? Math.min(CLIP_CONTEXT_LENGTH, longest);
      const batch = this.tokenizer.encodeBatch(chunk, contextLength);
      const rows = await this.runner.run({ ...batch, rows: chunk.length });
      if (rows.length !== chunk.length * dim) throw new Error(`${this.modelPath}: ${TEXT_OUTPUT_NAME} came out with ${rows.length} values for ${chunk.length} texts of ${dim}`);
      chunk.forEach((text, i) => {
        if (!writeUnitRow(rows, i, out, start + i, dim)) throw new Error(`${this.modelPath} gave a non-finite embedding for the text ${JSON.stringify(text)}`);
      });
    }
    return out;
  }

  /** Frees the model after any run in progress. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.runner.release();
  }
}

export interface LoadClipTextTowerOptions {
  providers?: readonly string[];
  /** Use onnx/text_model_fp16.onnx when the folder has it. */
  preferFp16?: boolean;
  expectedDim?: number;
  thread?: 'worker' | 'main';
}

/**
 * The text tower of a Hugging Face-layout CLIP folder: onnx/text_model.onnx (or onnx/text_model_fp16.onnx when
 * preferred, or when it is the only one there) and the folder's tokenizer file. Errors name the folder and what
 * is missing.
 */
export async function loadClipTextTower(modelDir: string, options: LoadClipTextTowerOptions = {}): Promise<ClipTextEncoder> {
  const folder = await stat(modelDir).catch(() => undefined);
  if (!folder?.isDirectory()) throw new Error(`Model folder ${modelDir} ${folder ? 'is not a folder' : 'does not exist'}`);
  const candidates = options.preferFp16 ? [TEXT_MODEL_FP16_FILE, TEXT_MODEL_FILE] : [TEXT_MODEL_FILE, TEXT_MODEL_FP16_FILE];
  let modelPath: string | undefined;
  for (const candidate of candidates) {
    if (await pathExists(join(modelDir, candidate))) {
      modelPath = join(modelDir, candidate);
      break;
    }
  }
  if (!modelPath) throw new Error(`Model folder ${modelDir} has no CLIP text tower (looked for ${candidates.join(', ')})`);
  // The tokenizer first: it is quick to load, and a missing one should not wait for the model.
  const tokenizer = await ClipTokenizer.load(await findTokenizerFile(modelDir));
  return ClipTextEncoder.load(modelPath, { ...options, tokenizer });
}
