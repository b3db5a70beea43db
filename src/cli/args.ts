import { parseArgs, type ParseArgsConfig } from 'node:util';
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

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * A command's options and positionals, `-h/--help` included; a bad option is a usage error (printed with the CLI's
 * help text).
 */
type CommandOptions = NonNullable<ParseArgsConfig['options']>;
type CommandArgs<Options extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof HELP_OPTION & Options }>>;

export function parseCommandArgs<const Options extends CommandOptions>(argv: string[], options: Options): CommandArgs<Options> {
  return withUsageErrors(() => parseArgs({ args: argv, allowPositionals: true, options: { ...HELP_OPTION, ...options } }));
}

/** Prints a command's help on stdout; returns the exit code for asking for it. */
export function printHelp(help: string): 0 {
  process.stdout.write(help + '\n');
  return 0;
}

/** The one positional a command takes, e.g. `exactlyOne(positionals, 'search', 'dataset folder')`. */
export function exactlyOne(positionals: readonly string[], command: string, what: string): string {
  const [only] = positionals;
  if (!only || positionals.length > 1) throw new CliUsageError(`${command} takes exactly one ${what}`);
  return only;
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
