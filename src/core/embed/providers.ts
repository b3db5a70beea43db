/**
 * Creates an onnxruntime session on the first execution provider that works. onnxruntime-node has no fallback of
 * its own: asking for an unavailable provider (WebGPU without an adapter, CUDA without its libraries, a name it
 * does not know) throws at session creation, and a provider can also load but fail on the first real run. So each
 * provider is tried alone, through creation and a warm-up run, and the reasons for skipping are kept for the UI.
 *
 * Which providers to try comes from `resolveProviderPlan` (automatic order per platform, or the user's choice);
 * per-provider defaults (batch size, fp16 preference) live here too.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { detectCuda, SETUP_CUDA_HINT, systemCudaProbe } from './cuda-detect.js';
import { parseProviderRequest, planProviders, validProviderNames, type CudaStatus, type ProviderCapabilities, type ProviderPlan } from './provider-plan.js';


/**
 * Images per batch when the user sets none. WebGPU: the whole pipeline (bench/embed/device, H100, 16 decode
 * processes, ViT-B/32 fp16 taking RGB bytes) ran 1,472 images/s at batch 64 and 1,599 at 256 in one call, and
 * 1,787 at 128 against 1,644 at 256 in another: 128 keeps the GPU fed between batches without the long tail of a
 * big last batch, and three batches in flight stay under 60 MB of input. CUDA: PyTorch fp16 on the same GPU goes from 7,920 images/s at batch 64 to
 * 25,410 at 256, so small batches leave it idle; 128 keeps it far above what decoding delivers (about 1,400
 * images/s) while three batches in flight stay near 230 MB. CPU (scripts/onnx/bench-batch-sizes.ts, ViT-B/32
 * fp32, 2 shared cores): 188 CPU-ms per image at batch 1, 141 at 8, 126 at 32, 121 at 64; 32 is within 5% of 64
 * and halves the wait for a cancel (a batch runs to its end). DirectML (64) and CoreML (the CPU's 32) were not
 * measured.
 */
const DEFAULT_BATCH_SIZE: Readonly<Record<string, number>> = { cuda: 128, tensorrt: 128, webgpu: 128, dml: 64, coreml: 32, cpu: 32 };
const FALLBACK_BATCH_SIZE = 32;

export function defaultBatchSize(provider: string): number {
  return DEFAULT_BATCH_SIZE[provider] ?? FALLBACK_BATCH_SIZE;
}

/** GPU providers run float16 graphs natively (WebGPU fp16 ViT-B/32: 1.6x fp32 at batch 64); the CPU emulates them slowly. */
const FP16_PROVIDERS: ReadonlySet<string> = new Set(['cuda', 'tensorrt', 'webgpu', 'dml', 'coreml']);

/** Whether `*_fp16.onnx` model files should be chosen for this provider when the model has them. */
export function prefersFp16(provider: string): boolean {
  return FP16_PROVIDERS.has(provider);
}

/** What to tell a user whose provider failed. */
export function providerHint(provider: string): string {
  switch (provider) {
    case 'cuda':
    case 'tensorrt':
      return `The CUDA provider needs its library from onnxruntime: ${SETUP_CUDA_HINT}.`;
    case 'webgpu':
      return 'WebGPU needs a GPU adapter: Vulkan on Linux (check `vulkaninfo`), D3D12 on Windows, Metal on macOS.';
    case 'cpu':
      return 'The CPU provider failing points at the model or the machine (memory), not at a GPU.';
    default:
      return '';
  }
}

const bindingRequire = createRequire(import.meta.url);

/** onnxruntime-node's native folder for this platform, where its install script puts the CUDA provider. */
export function onnxruntimeBindingDir(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const packageRoot = dirname(bindingRequire.resolve('onnxruntime-node/package.json'));
  return join(packageRoot, 'bin', 'napi-v6', platform, arch);
}

let detected: ProviderCapabilities | null = null;

/** What this machine offers; detected once per process (the answer only changes with an install). */
export function detectProviderCapabilities(): ProviderCapabilities {
  if (detected) return detected;
  const compiled = ort.listSupportedBackends().map((backend) => backend.name);
  let cuda: CudaStatus;
  try {
    cuda = compiled.includes('cuda')
      ? detectCuda(systemCudaProbe(onnxruntimeBindingDir()))
      : { usable: false, reason: `not in this onnxruntime-node build for ${process.platform}/${process.arch}` };
  } catch (error) {
    // Detection is a courtesy: when it cannot run (a packaging without onnxruntime-node's folder), CUDA is left out.
    cuda = { usable: false, reason: `could not check for CUDA: ${error instanceof Error ? error.message : String(error)}` };
  }
  detected = { platform: process.platform, arch: process.arch, compiled, cuda };
  return detected;
}

/**
 * The providers to try for the user's choice (undefined or 'auto': the automatic order; a name: that one only; a
 * comma-separated string or array: those, in order). Throws UnknownProviderError listing the valid names.
 */
export function resolveProviderPlan(input: string | readonly string[] | undefined, caps: ProviderCapabilities = detectProviderCapabilities()): ProviderPlan {
  return planProviders(parseProviderRequest(input, validProviderNames(caps)), caps);
}

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
  /** Tried in order; default this machine's automatic order (`resolveProviderPlan(undefined)`). */
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

/** onnxruntime's failed checks read "<source>.cc:<line> <function> <condition> was false. <message>": keep the message. */
const ORT_ENFORCE_PREFIX = /^\S+\.(?:cc|cpp|h):\d+ .* was false\.\s+(?=\S)/;

const firstLine = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0]?.trim() ?? message;
  return line.replace(ORT_ENFORCE_PREFIX, '');
};

/**
 * Throws a ModelLoadError when the file is not a loadable model, the `validate` error when the model is the wrong
 * kind, and otherwise an error listing every provider's failure when none works; all name the model file.
 */
export async function createSessionWithFallback(modelPath: string, options: CreateSessionOptions = {}): Promise<ProviderSession> {
  const providers = options.providers ?? resolveProviderPlan(undefined).providers;
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
  throw new Error(noProviderWorked(modelPath, skipped));
}

/**
 * One provider asked for alone gets its reason and a hint (the user chose it: no silent fallback); several get a
 * line each.
 */
function noProviderWorked(modelPath: string, skipped: readonly SkippedProvider[]): string {
  const only = skipped.length === 1 ? skipped[0] : undefined;
  if (only) {
    const when = only.stage === 'create' ? 'creating the session' : 'the first run';
    const hint = providerHint(only.provider);
    return `The ${only.provider} execution provider failed at ${when} for ${modelPath}: ${only.reason.replace(/\.$/, '')}.${hint ? ` ${hint}` : ''} Choose 'auto' or another provider to fall back.`;
  }
  const reasons = skipped.map((s) => `  ${s.provider} (${s.stage}): ${s.reason}`).join('\n');
  return `Could not load ${modelPath} on any execution provider:\n${reasons}`;
}

/** One line for logs and job messages, e.g. "cpu (skipped webgpu: Failed to get a WebGPU adapter ...)". */
export function describeProviderChoice(result: Pick<ProviderSession, 'provider' | 'skipped'>): string {
  if (result.skipped.length === 0) return result.provider;
  return `${result.provider} (skipped ${result.skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')})`;
}
