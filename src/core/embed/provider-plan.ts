/**
 * Which onnxruntime execution providers to try, and in what order: a pure function of the platform and what was
 * detected on it (see provider-detect.ts), so that every platform's order is unit-tested on any machine.
 *
 * Automatic order: CUDA (only when its provider library and the CUDA runtime are installed: asking for it without
 * them costs an error log on every run), then WebGPU (bundled on every OS), then the platform's own API (CoreML on
 * macOS, DirectML on Windows) where the binding has it, then the CPU, which always works.
 */

export const AUTO_PROVIDER = 'auto';

/** Whether the CUDA provider can be expected to load, and why (or why not). */
export interface CudaStatus {
  usable: boolean;
  reason: string;
}

export interface ProviderCapabilities {
  platform: NodeJS.Platform;
  arch: string;
  /** Providers this onnxruntime-node binding was built with (its `listSupportedBackends()` names). */
  compiled: readonly string[];
  cuda: CudaStatus;
}

/** A provider left out of the automatic order, with the reason shown to the user. */
export interface ExcludedProvider {
  provider: string;
  reason: string;
}

export interface ProviderPlan {
  /** Tried in order until one loads the model and passes its first run. */
  providers: string[];
  /** Left out before trying, with why (automatic choice only). */
  excluded: ExcludedProvider[];
  /**
   * The user named exactly one provider: its failure is an error that says why, never a silent fallback to
   * another provider.
   */
  strict: boolean;
  /** What was asked for, for logs and summary.json: 'auto', 'cuda', or 'cuda,cpu'. */
  requested: string;
}

/** What the user asked for: `auto`, one provider, or an ordered list. */
export type ProviderRequest = { kind: 'auto' } | { kind: 'single'; provider: string } | { kind: 'list'; providers: string[] };

/** Names users may type for a provider, mapped to onnxruntime-node's. */
const ALIASES: Readonly<Record<string, string>> = { directml: 'dml', 'web-gpu': 'webgpu' };

/** The platform's native GPU API provider, tried after WebGPU when the binding has it. */
const NATIVE_PROVIDER: Partial<Record<NodeJS.Platform, string>> = { darwin: 'coreml', win32: 'dml' };

const notInBuild = (caps: ProviderCapabilities): string => `not in this onnxruntime-node build for ${caps.platform}/${caps.arch}`;

/** The automatic order for this machine, and the providers left out with their reasons. */
export function planAutoProviders(caps: ProviderCapabilities): { providers: string[]; excluded: ExcludedProvider[] } {
  const has = (name: string): boolean => caps.compiled.includes(name);
  const providers: string[] = [];
  const excluded: ExcludedProvider[] = [];
  if (has('cuda')) {
    if (caps.cuda.usable) providers.push('cuda');
    else excluded.push({ provider: 'cuda', reason: caps.cuda.reason });
  }
  if (has('webgpu')) providers.push('webgpu');
  else excluded.push({ provider: 'webgpu', reason: notInBuild(caps) });
  const native = NATIVE_PROVIDER[caps.platform];
  if (native) {
    if (has(native)) providers.push(native);
    else excluded.push({ provider: native, reason: notInBuild(caps) });
  }
  providers.push('cpu'); // always compiled in, and the one that always runs
  return { providers, excluded };
}

/** Valid values of a provider option on this machine: 'auto' first, then the binding's providers. */
export function validProviderNames(caps: Pick<ProviderCapabilities, 'compiled'>): string[] {
  return [AUTO_PROVIDER, ...caps.compiled.filter((name) => name !== AUTO_PROVIDER)];
}

export class UnknownProviderError extends Error {
  override readonly name = 'UnknownProviderError';
}

/**
 * Parses a provider option: undefined, '' or 'auto'; one name; a comma-separated string or an array of names
 * (ordered, tried in turn). Names are case-insensitive. Throws UnknownProviderError listing the valid names.
 */
export function parseProviderRequest(input: string | readonly string[] | undefined, valid: readonly string[]): ProviderRequest {
  const parts = (typeof input === 'string' ? input.split(',') : (input ?? [])).map((part) => part.trim().toLowerCase()).filter((part) => part !== '');
  const validList = `Valid: ${valid.join(', ')}, or a comma-separated list of them in order of preference.`;
  const names: string[] = [];
  for (const part of parts) {
    const name = ALIASES[part] ?? part;
    if (!valid.includes(name)) throw new UnknownProviderError(`Unknown execution provider '${part}'. ${validList}`);
    if (!names.includes(name)) names.push(name);
  }
  if (names.length === 0 || (names.length === 1 && names[0] === AUTO_PROVIDER)) return { kind: 'auto' };
  if (names.includes(AUTO_PROVIDER)) throw new UnknownProviderError(`'${AUTO_PROVIDER}' cannot be combined with other providers. ${validList}`);
  if (names.length === 1) return { kind: 'single', provider: names[0] as string };
  return { kind: 'list', providers: names };
}

/** The providers to try for a request on a machine. */
export function planProviders(request: ProviderRequest, caps: ProviderCapabilities): ProviderPlan {
  switch (request.kind) {
    case 'auto':
      return { ...planAutoProviders(caps), strict: false, requested: AUTO_PROVIDER };
    case 'single':
      return { providers: [request.provider], excluded: [], strict: true, requested: request.provider };
    case 'list':
      return { providers: [...request.providers], excluded: [], strict: false, requested: request.providers.join(',') };
  }
}
