import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors.js';
import type { InputProblem } from '../../shared/model/dataset.js';
import { mapWithConcurrency } from './concurrency.js';
import { isImageFileName } from './format.js';

export interface ScannedFile {
  /** Relative to the dataset root, forward slashes. */
  path: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface ScanOptions {
  /** Called after each folder with the number of image files found so far. */
  onProgress?: (doneCount: number) => void;
  signal?: AbortSignal;
}

export interface ScanResult {
  /** Sorted by path (UTF-16 code unit order, the same on every platform and locale). */
  files: ScannedFile[];
  /** Folders or links that could not be read; the rest of the tree is still scanned. */
  problems: InputProblem[];
}

const STAT_CONCURRENCY = 16;

/** Deterministic string order, independent of locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lists image files under `root` recursively. Hidden files and folders (dot-prefixed) are skipped; symbolic links
 * are followed, and a folder reached twice (a link loop, or two links to one folder) is walked only once.
 * Throws only when `root` itself is not a readable folder, or on abort.
 */
export async function scanImageFiles(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const { onProgress, signal } = options;
  const rootStat = await fs.stat(root).catch((err: NodeJS.ErrnoException) => {
    throw new ApiError('dataset-root-unreadable', `Dataset folder ${root} cannot be read: ${err.code ?? err.message}`, root);
  });
  if (!rootStat.isDirectory()) throw new ApiError('dataset-root-not-folder', `Dataset path ${root} is not a folder.`, root);

  const files: ScannedFile[] = [];
  const problems: InputProblem[] = [];
  const visitedFolders = new Set<string>([folderKey(rootStat)]);
  const pending: string[] = [''];

  while (pending.length > 0) {
    signal?.throwIfAborted();
    const relDir = pending.pop() as string;
    const absDir = relDir === '' ? root : path.join(root, relDir);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(absDir, { withFileTypes: true });
    } catch (err) {
      problems.push({ file: relDir, kind: 'unreadable-folder', message: `Folder ${relDir} cannot be read: ${errorCode(err)}; its files are skipped.` });
      continue;
    }

    const imagePaths: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relPath = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(path.join(root, relPath)).catch(() => null);
        if (target === null) {
          problems.push({ file: relPath, kind: 'broken-link', message: `Link ${relPath} points to nothing that can be read; skipped.` });
        } else if (target.isDirectory()) {
          if (!visitedFolders.has(folderKey(target))) {
            visitedFolders.add(folderKey(target));
            pending.push(relPath);
          }
        } else if (target.isFile() && isImageFileName(entry.name)) {
          imagePaths.push(relPath);
        }
      } else if (entry.isDirectory()) {
        const stat = await fs.stat(path.join(root, relPath)).catch(() => null);
        if (stat !== null && !visitedFolders.has(folderKey(stat))) {
          visitedFolders.add(folderKey(stat));
          pending.push(relPath);
        }
      } else if (entry.isFile() && isImageFileName(entry.name)) {
        imagePaths.push(relPath);
      }
    }

    const stats = await mapWithConcurrency(imagePaths, STAT_CONCURRENCY, (p) => fs.stat(path.join(root, p)).catch((err: unknown) => err), signal);
    stats.forEach((stat, i) => {
      const relPath = imagePaths[i] as string;
      if (stat instanceof Error) {
        problems.push({ file: relPath, kind: 'unreadable-file', message: `File ${relPath} cannot be read: ${errorCode(stat)}; skipped.` });
      } else {
        const { size, mtimeMs } = stat as Stats;
        files.push({ path: relPath, sizeBytes: size, mtimeMs });
      }
    });
    onProgress?.(files.length);
  }

  files.sort((a, b) => comparePaths(a.path, b.path));
  return { files, problems };
}

function folderKey(stat: Stats): string {
  return `${stat.dev}:${stat.ino}`;
}

function errorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}
