import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Files under `dir` (recursive) whose name ends with `extension` (case-insensitive), as sorted paths relative to
 * `relativeTo` with forward slashes; or the reason the folder cannot be read.
 */
export async function listFilesRecursive(dir: string, extension: string, relativeTo: string = dir): Promise<{ files: string[] } | { error: string }> {
  const listing = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch((err: NodeJS.ErrnoException) => err);
  if (listing instanceof Error) return { error: (listing as NodeJS.ErrnoException).code ?? listing.message };
  const suffix = extension.toLowerCase();
  return {
    files: listing
      .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith(suffix))
      .map((entry) => path.relative(relativeTo, path.join(parentOf(entry), entry.name)).split(path.sep).join('/'))
      .sort(),
  };
}

/** The file's text, or why it could not be read (`ENOENT`, `EACCES`, …). */
export async function readTextOrError(filePath: string): Promise<{ text: string } | { error: string }> {
  return fs.readFile(filePath, 'utf8').then(
    (text) => ({ text }),
    (err: NodeJS.ErrnoException) => ({ error: err.code ?? err.message }),
  );
}

/** `Dirent.parentPath` arrived in Node 20.12; 20.11 calls it `path`. */
function parentOf(entry: { parentPath?: string; path?: string }): string {
  return entry.parentPath ?? entry.path ?? '';
}
