/**
 * better-sqlite3 is compiled for Node's ABI (npm install builds it for the CLI, the server and the tests);
 * Electron's ABI differs, so Electron loads a second build of the same module, made by
 * `npm run rebuild:electron` (scripts/rebuild-electron.mjs), through better-sqlite3's `nativeBinding` option.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where scripts/rebuild-electron.mjs writes the Electron build, relative to the app folder. Keep the two in step. */
export const ELECTRON_SQLITE_BINDING_PATH = '.cache/electron-native/better_sqlite3.node';

/** The Electron build of better-sqlite3 when it has been made, else undefined (the Node build will be tried). */
export function electronSqliteBinding(appDir: string, exists: (path: string) => boolean = existsSync): string | undefined {
  const path = join(appDir, ELECTRON_SQLITE_BINDING_PATH);
  return exists(path) ? path : undefined;
}

/** What to tell the user when the engine cannot start; names the fix when it is the native-module ABI. */
export function explainStartupFailure(err: unknown, sqliteBinding: string | undefined): string {
  const message = err instanceof Error ? err.message : String(err);
  const isAbiMismatch = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message);
  if (!isAbiMismatch) return message;
  const fix =
    sqliteBinding === undefined
      ? 'Run `npm run rebuild:electron` once to build it for Electron, then start the app again.'
      : `The Electron build at ${sqliteBinding} does not match this Electron: run \`npm run rebuild:electron\` again.`;
  return `${message}\n\nA native module was built for Node.js, not for Electron. ${fix}\nBrowser mode works without it: npm run cli -- serve`;
}
