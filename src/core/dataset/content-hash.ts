/**
 * Content hashes of image files, so that a file whose size or mtime changed but whose bytes did not (copied with a
 * new mtime, touched, re-synced) keeps what was computed for it, embeddings included.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mapWithConcurrency } from './concurrency.js';

/** sha1 of the file's bytes, hex. Images are small enough to read whole; sha1 runs at over 1 GB/s. */
export async function hashFileContent(absPath: string): Promise<string> {
  return createHash('sha1').update(await readFile(absPath)).digest('hex');
}

/**
 * Hashes of `relPaths` under `root`, in input order; null for a file that cannot be read (the probe reports why).
 * Rejects only when `signal` aborts.
 */
export async function hashFiles(root: string, relPaths: readonly string[], signal?: AbortSignal, concurrency = 8): Promise<(string | null)[]> {
  return mapWithConcurrency(relPaths, concurrency, (relPath) => hashFileContent(path.join(root, relPath)).catch(() => null), signal);
}
