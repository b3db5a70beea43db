/**
 * Creates an onnxruntime session on the first execution provider that works. onnxruntime-node has no fallback of
 * its own: asking for an unavailable provider (WebGPU without an adapter, CUDA without its libraries, a name it
 * does not know) throws at session creation, and a provider can also load but fail on the first real run. So each
 * provider is tried alone, through creation and a warm-up run, and the reasons for skipping are kept for the UI.
 */
import * as ort from 'onnxruntime-node';

export const DEFAULT_EXECUTION_PROVIDERS: readonly string[] = ['webgpu', 'cpu'];

export interface SkippedProvider {
  provider: string;
  stage: 'create' | 'warm-up';
  reason: string;
}

export interface ProviderSession {
  session: ort.InferenceSession;
  /** The execution provider the session runs on. */
  provider: string;
  /** Providers tried before it, in order, with why each was skipped. */
  skipped: SkippedProvider[];
}

/** The model file itself could not be loaded (not ONNX, truncated, unsupported): no provider would help. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';

  constructor(
    readonly modelPath: string,
    readonly reason: string,
  ) {
    super(`Cannot load ${modelPath} as an ONNX model: ${reason}`);
  }
}

/** onnxruntime's message when parsing or checking the model failed, as opposed to the provider. */
const MODEL_LOAD_FAILURE = /^Load model from .* failed:\s*(.*)$/s;

export interface CreateSessionOptions {
  /** Tried in order; default DEFAULT_EXECUTION_PROVIDERS. */
  providers?: readonly string[];
  /**
   * Checks the loaded model (inputs, outputs). Its error is about the model, not the provider: it is rethrown at
   * once instead of trying the next provider.
   */
  validate?: (session: ort.InferenceSession) => void;
  /** A first inference that must succeed for the provider to be kept (e.g. one dummy image). */
  warmUp?: (session: ort.InferenceSession) => Promise<void>;
  /** Passed through to onnxruntime (providers and optimisation level are set here). */
  sessionOptions?: Omit<ort.InferenceSession.SessionOptions, 'executionProviders' | 'graphOptimizationLevel'>;
}

const firstLine = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
};

/**
 * Throws a ModelLoadError when the file is not a loadable model, the `validate` error when the model is the wrong
 * kind, and otherwise an error listing every provider's failure when none works; all name the model file.
 */
export async function createSessionWithFallback(modelPath: string, options: CreateSessionOptions = {}): Promise<ProviderSession> {
  const providers = options.providers ?? DEFAULT_EXECUTION_PROVIDERS;
  if (providers.length === 0) throw new Error('No execution providers to try');
  const skipped: SkippedProvider[] = [];
  for (const provider of providers) {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        logSeverityLevel: 3,
        ...options.sessionOptions,
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      const modelFailure = MODEL_LOAD_FAILURE.exec(error instanceof Error ? error.message : String(error));
      if (modelFailure) throw new ModelLoadError(modelPath, firstLine(modelFailure[1]));
      skipped.push({ provider, stage: 'create', reason: firstLine(error) });
      continue;
    }
    try {
      options.validate?.(session);
    } catch (error) {
      await session.release().catch(() => undefined); // the validation error is the one worth reporting
      throw error;
    }
    try {
      await options.warmUp?.(session);
      return { session, provider, skipped };
    } catch (error) {
      skipped.push({ provider, stage: 'warm-up', reason: firstLine(error) });
      await session.release().catch(() => undefined); // already failing over; a release error adds nothing
    }
  }
  const reasons = skipped.map((s) => `  ${s.provider} (${s.stage}): ${s.reason}`).join('\n');
  throw new Error(`Could not load ${modelPath} on any execution provider:\n${reasons}`);
}

/** One line for logs and job messages, e.g. "cpu (skipped webgpu: Failed to get a WebGPU adapter ...)". */
export function describeProviderChoice(result: Pick<ProviderSession, 'provider' | 'skipped'>): string {
  if (result.skipped.length === 0) return result.provider;
  return `${result.provider} (skipped ${result.skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')})`;
}
