import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export const DATA_DIR_ENV = 'DATASET_HEALTH_DATA_DIR';

/**
 * Where the app keeps its own files (never inside a dataset folder). `DATASET_HEALTH_DATA_DIR` wins; otherwise the
 * platform's per-user data folder. Parameters exist for tests; callers pass nothing.
 */
export function defaultDataDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  homeDir: string = os.homedir(),
): string {
  const override = env[DATA_DIR_ENV];
  if (override !== undefined && override !== '') return path.resolve(override);
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Application Support', 'Dataset Health');
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(homeDir, 'AppData', 'Roaming'), 'Dataset Health');
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdgDataHome = env.XDG_DATA_HOME;
  const dataHome = xdgDataHome !== undefined && path.posix.isAbsolute(xdgDataHome) ? xdgDataHome : path.posix.join(homeDir, '.local', 'share');
  return path.posix.join(dataHome, 'dataset-health');
}

/** Stable id of a dataset folder: the first 16 hex digits of sha256 of its absolute path (trailing slashes removed). */
export function datasetIdForRoot(absRoot: string): string {
  return createHash('sha256').update(path.resolve(absRoot)).digest('hex').slice(0, 16);
}

/** `<dataDir>/datasets/<datasetId>/project.sqlite` */
export function datasetStorePath(dataDir: string, absRoot: string): string {
  return path.join(dataDir, 'datasets', datasetIdForRoot(absRoot), 'project.sqlite');
}
