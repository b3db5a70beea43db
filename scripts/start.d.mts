// Types for the pure parts of scripts/start.mjs, which its test (src/main/start-script.test.ts) imports.
export declare const BUILD_OUTPUTS: readonly string[];
export declare const BUILD_INPUTS: readonly string[];
export declare const ELECTRON_STARTUP_WINDOW_MS: number;

export declare function datasetDirFromArgs(args: readonly string[], env: { INIT_CWD?: string }, cwd: string): string | null;

export declare function buildReason(outputMtimesMs: readonly (number | null)[], newestInputMtimeMs: number): string | null;

export type ElectronLocation = { ok: true; binary: string } | { ok: false; reason: string };
export declare function locateElectronBinary(
  electronPackageDir: string,
  env: { ELECTRON_OVERRIDE_DIST_PATH?: string },
  fs: { exists(path: string): boolean; readText(path: string): string },
): ElectronLocation;

export type ElectronStartupOutcome =
  | { kind: 'running' }
  | { kind: 'spawn-error'; error: { code?: string; message: string } }
  | { kind: 'exited'; code: number | null; signal: string | null; stderr: string };
export declare function electronStartupFailure(outcome: ElectronStartupOutcome): string | null;

export declare function browserModeNotice(reason: string): string;
