export class CliUsageError extends Error {}

/** Runs a node:util parseArgs call, turning its errors into usage errors that the CLI prints with its help text. */
export function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
}

export function parseIntOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliUsageError(`--${name} must be an integer, got '${value}'`);
  return n;
}
