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
