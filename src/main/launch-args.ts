import { resolve } from 'node:path';

/**
 * The dataset folder named on the command line, made absolute, or null. Electron's argv starts with the binary
 * and, when run unpackaged (`electron <appDir> [DIR]`), the app folder; Chromium switches may sit anywhere.
 */
export function datasetArgument(argv: readonly string[], isPackaged: boolean, cwd: string): string | null {
  const positionals = argv.slice(isPackaged ? 1 : 2).filter((arg) => !arg.startsWith('-'));
  const first = positionals[0];
  return first === undefined ? null : resolve(cwd, first);
}
