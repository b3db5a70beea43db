import { UnknownProviderError } from '../core/embed/provider-plan.js';
import { resolveProviderPlan } from '../core/embed/providers.js';
import type { LayoutMethod } from '../shared/model/dataset.js';

export class CliUsageError extends Error {}

/** Runs a node:util parseArgs call, turning its errors into usage errors that the CLI prints with its help text. */
export function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The layout method option shared by `analyze` and `project`. */
export function parseMethodOption(value: string | undefined): LayoutMethod {
  const method = value ?? 'umap';
  if (method !== 'umap' && method !== 'tsne') throw new CliUsageError(`--method must be umap or tsne, got '${method}'`);
  return method;
}

export function parseIntOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliUsageError(`--${name} must be an integer, got '${value}'`);
  return n;
}

/** Help text for `--provider`, shared by every command that runs a model. */
export const PROVIDER_OPTION_HELP = `--provider X       onnxruntime execution provider: auto (default: cuda when installed, webgpu,
                       coreml/dml, then cpu), one name (used alone, no fallback), or an ordered list (webgpu,cpu)`;

/**
 * The `--provider` option, checked before any work starts; returns it as the API takes it (undefined: auto).
 * An unknown name is a usage error listing the valid ones.
 */
export function parseProviderOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return resolveProviderPlan(value).requested;
  } catch (err) {
    if (err instanceof UnknownProviderError) throw new CliUsageError(`--provider: ${err.message}`);
    throw err;
  }
}
