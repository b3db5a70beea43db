/**
 * CLIP's text tower: texts in, L2-normalised `text_embeds` rows out, comparable (by dot product) with the image
 * tower's normalised embeddings. The model is the optimum export of CLIPTextModelWithProjection (inputs
 * `input_ids` and `attention_mask`, int64 [batch, sequence]; output `text_embeds` [batch, dim]); exports without
 * `attention_mask` also load.
 *
 * Runs on the calling thread: a batch of 64 prompts is one short run (unlike a batch of images), and callers
 * embed a few hundred prompts at most.
 */
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CLIP_CONTEXT_LENGTH, ClipTokenizer, findTokenizerFile } from '../text/clip-tokenizer.js';
import { createSessionWithFallback, type SkippedProvider } from './providers.js';
import { writeUnitRow } from './vectors.js';

export const TEXT_INPUT_IDS = 'input_ids';
export const TEXT_ATTENTION_MASK = 'attention_mask';
export const TEXT_OUTPUT_NAME = 'text_embeds';
/** Texts per inference run. */
export const TEXT_BATCH_SIZE = 64;

export const TEXT_MODEL_FILE = 'onnx/text_model.onnx';
export const TEXT_MODEL_FP16_FILE = 'onnx/text_model_fp16.onnx';

export interface ClipTextEncoderOptions {
  tokenizer: ClipTokenizer;
  /** Execution providers to try in order (default: createSessionWithFallback's). */
  providers?: readonly string[];
  /** The image tower's embedding size: a text tower with another fails to load. */
  expectedDim?: number;
}

/** What the signature check learns about the model. */
export interface TextSignature {
  hasAttentionMask: boolean;
  /** The sequence length when the export fixed it; undefined when it is dynamic. */
  fixedLength: number | undefined;
}

export class ClipTextEncoder {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: ClipTokenizer,
    private readonly signature: TextSignature,
    /** The model file in use. */
    readonly modelPath: string,
    /** Length of an embedding row. */
    readonly dim: number,
    /** The execution provider in use. */
    readonly provider: string,
    /** Providers tried before it, with why each was skipped. */
    readonly skipped: readonly SkippedProvider[],
  ) {}

  /**
   * Loads the model on the first provider that works. Throws an error naming `modelPath` when the file is not
   * ONNX (ModelLoadError), its inputs or output are not a CLIP text tower's, or its dimension is not `expectedDim`.
   */
  static async load(modelPath: string, options: ClipTextEncoderOptions): Promise<ClipTextEncoder> {
    let signature: TextSignature = { hasAttentionMask: false, fixedLength: undefined };
    let dim = 0;
    const { session, provider, skipped } = await createSessionWithFallback(modelPath, {
      ...(options.providers ? { providers: options.providers } : {}),
      validate: (candidate) => {
        signature = validateClipTextSignature(candidate, modelPath);
      },
      warmUp: async (candidate) => {
        dim = (await runTextEmbeds(candidate, signature, options.tokenizer, [''])).dims[1] ?? 0;
      },
    });
    const problem =
      dim < 1
        ? `${TEXT_OUTPUT_NAME} came out empty`
        : options.expectedDim !== undefined && dim !== options.expectedDim
          ? `${TEXT_OUTPUT_NAME} has ${dim} values per text, but the image embeddings have ${options.expectedDim}: the towers do not belong together`
          : undefined;
    if (problem) {
      await session.release().catch(() => undefined); // the dimension error is the one worth reporting
      throw new Error(`${modelPath} is not a CLIP text model this app can run: ${problem}`);
    }
    return new ClipTextEncoder(session, options.tokenizer, signature, modelPath, dim, provider, skipped);
  }

  /** Row-major [texts.length, dim], each row of unit L2 norm. */
  async encode(texts: readonly string[]): Promise<Float32Array> {
    if (this.closed) throw new Error(`The text encoder for ${this.modelPath} is closed`);
    const out = new Float32Array(texts.length * this.dim);
    for (let start = 0; start < texts.length; start += TEXT_BATCH_SIZE) {
      const chunk = texts.slice(start, start + TEXT_BATCH_SIZE);
      const running = runTextEmbeds(this.session, this.signature, this.tokenizer, chunk);
      this.inFlight.add(running);
      let output: ort.Tensor;
      try {
        output = await running;
      } finally {
        this.inFlight.delete(running);
      }
      const rows = output.data as Float32Array;
      if (output.dims[1] !== this.dim) throw new Error(`${this.modelPath}: ${TEXT_OUTPUT_NAME} came out with shape [${output.dims.join(',')}], expected [${chunk.length}, ${this.dim}]`);
      chunk.forEach((text, i) => {
        if (!writeUnitRow(rows, i, out, start + i, this.dim)) throw new Error(`${this.modelPath} gave a non-finite embedding for the text ${JSON.stringify(text)}`);
      });
    }
    return out;
  }

  /** Waits for runs in progress (releasing under one would free memory it uses), then frees the session. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.inFlight);
    await this.session.release();
  }
}

/** Tokenises `texts` and runs them; returns the raw text_embeds tensor [texts.length, dim]. */
async function runTextEmbeds(session: ort.InferenceSession, signature: TextSignature, tokenizer: ClipTokenizer, texts: readonly string[]): Promise<ort.Tensor> {
  // Padding to the longest text rather than to 77 changes nothing (the causal mask hides later positions from
  // the end token) and saves most of the work for short prompts.
  const longest = Math.max(...texts.map((text) => tokenizer.encode(text).length));
  const contextLength = signature.fixedLength ?? Math.min(CLIP_CONTEXT_LENGTH, longest);
  const batch = tokenizer.encodeBatch(texts, contextLength);
  const shape = [texts.length, contextLength];
  const feeds: Record<string, ort.Tensor> = { [TEXT_INPUT_IDS]: new ort.Tensor('int64', batch.inputIds, shape) };
  if (signature.hasAttentionMask) feeds[TEXT_ATTENTION_MASK] = new ort.Tensor('int64', batch.attentionMask, shape);
  const outputs = await session.run(feeds, [TEXT_OUTPUT_NAME]);
  const output = outputs[TEXT_OUTPUT_NAME];
  if (!output || output.type !== 'float32') throw new Error(`The model returned no float32 ${TEXT_OUTPUT_NAME}`);
  if (output.dims.length !== 2 || output.dims[0] !== texts.length) {
    throw new Error(`${TEXT_OUTPUT_NAME} came out with shape [${output.dims.join(',')}], expected [${texts.length}, dim]`);
  }
  return output;
}

/** Throws an error naming `modelPath` unless the model has a CLIP text tower's signature. */
export function validateClipTextSignature(session: ort.InferenceSession, modelPath: string): TextSignature {
  const fail = (problem: string): never => {
    throw new Error(`${modelPath} is not a CLIP text model this app can run: ${problem}`);
  };
  const describe = (metadata: readonly ort.InferenceSession.ValueMetadata[]): string =>
    metadata.map((m) => (m.isTensor ? `${m.name} ${m.type}[${m.shape.join(',')}]` : `${m.name} (not a tensor)`)).join(', ');
  const checkIdsLike = (m: ort.InferenceSession.ValueMetadata): void => {
    if (!m.isTensor || m.type !== 'int64' || m.shape.length !== 2) fail(`input ${describe([m])} must be an int64 tensor [batch, sequence]`);
  };

  const ids = session.inputMetadata.find((m) => m.name === TEXT_INPUT_IDS);
  const mask = session.inputMetadata.find((m) => m.name === TEXT_ATTENTION_MASK);
  const others = session.inputMetadata.filter((m) => m !== ids && m !== mask);
  if (!ids || others.length > 0) {
    return fail(`its inputs are ${describe(session.inputMetadata)}; expected ${TEXT_INPUT_IDS} and ${TEXT_ATTENTION_MASK} (export the text tower alone, e.g. optimum's ${TEXT_MODEL_FILE})`);
  }
  checkIdsLike(ids);
  if (mask) checkIdsLike(mask);
  const length = ids.isTensor ? ids.shape[1] : undefined;
  const fixedLength = typeof length === 'number' ? length : undefined;
  if (fixedLength !== undefined && (fixedLength < 2 || fixedLength > CLIP_CONTEXT_LENGTH)) fail(`input ${describe([ids])} has a fixed sequence length outside 2..${CLIP_CONTEXT_LENGTH}`);

  const output = session.outputMetadata.find((m) => m.name === TEXT_OUTPUT_NAME);
  if (!output) fail(`it has no ${TEXT_OUTPUT_NAME} output (outputs: ${describe(session.outputMetadata)})`);
  else if (!output.isTensor || output.type !== 'float32' || output.shape.length !== 2) {
    fail(`output ${describe([output])} must be a float32 tensor with 2 dimensions [batch, dim]`);
  }
  return { hasAttentionMask: mask !== undefined, fixedLength };
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

export interface LoadClipTextTowerOptions {
  providers?: readonly string[];
  /** Use onnx/text_model_fp16.onnx when the folder has it. */
  preferFp16?: boolean;
  expectedDim?: number;
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
    if (await exists(join(modelDir, candidate))) {
      modelPath = join(modelDir, candidate);
      break;
    }
  }
  if (!modelPath) throw new Error(`Model folder ${modelDir} has no CLIP text tower (looked for ${candidates.join(', ')})`);
  // The tokenizer first: it is quick to load and its absence should not wait for a model load.
  const tokenizer = await ClipTokenizer.load(await findTokenizerFile(modelDir));
  return ClipTextEncoder.load(modelPath, {
    tokenizer,
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.expectedDim !== undefined ? { expectedDim: options.expectedDim } : {}),
  });
}
