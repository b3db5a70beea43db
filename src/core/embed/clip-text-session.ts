/**
 * Loading and running a CLIP text tower with onnxruntime, independent of the thread it runs on: the worker
 * (clip-text.worker.ts) and the in-thread runner share this code. Tokenising happens in the caller; this side
 * sees token ids only.
 */
import * as ort from 'onnxruntime-node';
import { CLIP_CONTEXT_LENGTH } from '../text/clip-tokenizer.js';
import { createSessionWithFallback, type SkippedProvider } from './providers.js';

export const TEXT_INPUT_IDS = 'input_ids';
export const TEXT_ATTENTION_MASK = 'attention_mask';
export const TEXT_OUTPUT_NAME = 'text_embeds';
export const TEXT_MODEL_FILE = 'onnx/text_model.onnx';

/** What the signature check learns about the model. */
export interface TextSignature {
  hasAttentionMask: boolean;
  /** The sequence length when the export fixed it; null when it is dynamic. */
  fixedLength: number | null;
}

export interface TextSessionInfo {
  provider: string;
  skipped: SkippedProvider[];
  /** Length of a text_embeds row. */
  dim: number;
  signature: TextSignature;
}

/** Rows of token ids as the tokenizer's encodeBatch gives them: row-major [rows, contextLength]. */
export interface TokenRows {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  rows: number;
  contextLength: number;
}

/** Runs token rows through a loaded text tower, on some thread. */
export interface TextRunner {
  readonly info: TextSessionInfo;
  readonly thread: 'worker' | 'main';
  /** Returns the raw (unnormalised) text_embeds rows [rows, dim]. */
  run(tokens: TokenRows): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Creates the session on the first provider that loads the model, passes the signature check and a warm-up run
 * of one text made of `warmUpIds` (the tokenizer's start and end tokens).
 */
export async function loadClipTextSession(
  modelPath: string,
  providers: readonly string[] | undefined,
  warmUpIds: readonly number[],
): Promise<{ session: ort.InferenceSession; info: TextSessionInfo }> {
  let signature: TextSignature = { hasAttentionMask: false, fixedLength: null };
  let dim = 0;
  const { session, provider, skipped } = await createSessionWithFallback(modelPath, {
    ...(providers ? { providers } : {}),
    validate: (candidate) => {
      signature = validateClipTextSignature(candidate, modelPath);
    },
    warmUp: async (candidate) => {
      const contextLength = signature.fixedLength ?? warmUpIds.length;
      const inputIds = new BigInt64Array(contextLength);
      const attentionMask = new BigInt64Array(contextLength);
      warmUpIds.forEach((id, i) => {
        inputIds[i] = BigInt(id);
        attentionMask[i] = 1n;
      });
      dim = (await runClipTextSession(candidate, signature, { inputIds, attentionMask, rows: 1, contextLength })).length;
    },
  });
  return { session, info: { provider, skipped, dim, signature } };
}

/** Runs the rows; returns text_embeds as a fresh array (safe to transfer). */
export async function runClipTextSession(session: ort.InferenceSession, signature: TextSignature, tokens: TokenRows): Promise<Float32Array> {
  const shape = [tokens.rows, tokens.contextLength];
  const feeds: Record<string, ort.Tensor> = { [TEXT_INPUT_IDS]: new ort.Tensor('int64', tokens.inputIds, shape) };
  if (signature.hasAttentionMask) feeds[TEXT_ATTENTION_MASK] = new ort.Tensor('int64', tokens.attentionMask, shape);
  const outputs = await session.run(feeds, [TEXT_OUTPUT_NAME]);
  const output = outputs[TEXT_OUTPUT_NAME];
  if (!output || output.type !== 'float32') throw new Error(`The model returned no float32 ${TEXT_OUTPUT_NAME}`);
  if (output.dims.length !== 2 || output.dims[0] !== tokens.rows) {
    throw new Error(`${TEXT_OUTPUT_NAME} came out with shape [${output.dims.join(',')}], expected [${tokens.rows}, dim]`);
  }
  return Float32Array.from(output.data as Float32Array);
}

/** Runs on the calling thread: for hosts without the worker script, and for quick checks. */
export class InThreadTextRunner implements TextRunner {
  readonly thread = 'main';
  private readonly inFlight = new Set<Promise<Float32Array>>();

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly info: TextSessionInfo,
  ) {}

  static async load(modelPath: string, providers: readonly string[] | undefined, warmUpIds: readonly number[]): Promise<InThreadTextRunner> {
    const { session, info } = await loadClipTextSession(modelPath, providers, warmUpIds);
    return new InThreadTextRunner(session, info);
  }

  async run(tokens: TokenRows): Promise<Float32Array> {
    const running = runClipTextSession(this.session, this.info.signature, tokens);
    this.inFlight.add(running);
    try {
      return await running;
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

/**
 * Throws an error naming `modelPath` unless the model has a CLIP text tower's signature. Takes the metadata alone so
 * that import and the model list can ask the same question of a model (or of its recorded signature) the runtime
 * asks when it loads one.
 */
export function validateClipTextSignature(session: Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>, modelPath: string): TextSignature {
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
  const fixedLength = typeof length === 'number' ? length : null;
  if (fixedLength !== null && (fixedLength < 2 || fixedLength > CLIP_CONTEXT_LENGTH)) fail(`input ${describe([ids])} has a fixed sequence length outside 2..${CLIP_CONTEXT_LENGTH}`);

  const output = session.outputMetadata.find((m) => m.name === TEXT_OUTPUT_NAME);
  if (!output) fail(`it has no ${TEXT_OUTPUT_NAME} output (outputs: ${describe(session.outputMetadata)})`);
  else if (!output.isTensor || output.type !== 'float32' || output.shape.length !== 2) {
    fail(`output ${describe([output])} must be a float32 tensor with 2 dimensions [batch, dim]`);
  }
  return { hasAttentionMask: mask !== undefined, fixedLength };
}
