// Types for scripts/setup-cuda.mjs, which its test (test/scripts/setup-cuda.test.ts) imports.
export declare const PREREQUISITES: readonly { what: string; libraries: readonly string[] }[];
export declare const PROVIDER_FILES: readonly string[];
export declare const MIN_DRIVER: string;
export declare const USAGE: string;
export declare class UsageError extends Error {}

export declare function parseSetupArgs(argv: readonly string[]): { check: boolean; help: boolean };
export declare function installFailureMessage(output: string, version: string): string;
export declare function parseDriverVersion(text: string): string;
export declare function versionAtLeast(a: string, b: string): boolean;

export interface SetupProbe {
  platform: string;
  arch: string;
  /** The text of /proc/driver/nvidia/version, or null without an NVIDIA driver. */
  driverText(): string | null;
  /** Where the loader would find a library, or null. */
  findLibrary(name: string): string | null;
  exists(path: string): boolean;
}
export declare function systemProbe(): SetupProbe;
export declare function checkPrerequisites(probe: SetupProbe, bindingDir: string): { ok: boolean; lines: string[] };
export declare function setupCuda(argv: readonly string[], overrides?: { probe?: SetupProbe; onnxruntimeDir?: string; installScript?: string }): Promise<number>;
