/**
 * Exact duplicates by pixel hash: the sha1 of the decoded RGB pixels and the dimensions, so a PNG re-saved with
 * other compression settings, or as BMP, matches its original (file-byte hashes would not), and two files with the
 * same bytes match too. Lossy re-encodes (JPEG at another quality) change pixels: near-duplicates catch those.
 */
import { createHash } from 'node:crypto';
import type { NumberColumn } from '../../shared/model/scores.js';
import { indexColumn } from './columns.js';
import { decodePixels, type RawPixels } from './pixels.js';

/** Grayscale pixels are hashed as RGB (each value three times) so a gray PNG and its RGB copy match. */
export function pixelHashOf(pixels: RawPixels): string {
  const hash = createHash('sha1');
  hash.update(`rgb8:${pixels.width}x${pixels.height}:`);
  if (pixels.channels === 3) {
    hash.update(pixels.data);
  } else {
    const CHUNK_PIXELS = 1 << 16;
    const rgb = new Uint8Array(Math.min(CHUNK_PIXELS, pixels.data.length) * 3);
    for (let start = 0; start < pixels.data.length; start += CHUNK_PIXELS) {
      const end = Math.min(pixels.data.length, start + CHUNK_PIXELS);
      for (let p = start; p < end; p++) {
        const v = pixels.data[p] as number;
        const o = (p - start) * 3;
        rgb[o] = v;
        rgb[o + 1] = v;
        rgb[o + 2] = v;
      }
      hash.update(rgb.subarray(0, (end - start) * 3));
    }
  }
  return hash.digest('hex');
}

/** Decodes `absPath` and hashes it; rejects with an ImageDecodeError naming the file. */
export async function pixelHash(absPath: string): Promise<string> {
  return pixelHashOf(await decodePixels(absPath));
}

/** For each image, the index of the first image (in index order) with the same hash, or -1 (first, unique or null). */
export function exactDuplicates(hashes: readonly (string | null)[]): Int32Array {
  const firstOf = new Map<string, number>();
  const out = new Int32Array(hashes.length).fill(-1);
  hashes.forEach((hash, i) => {
    if (hash === null) return;
    const first = firstOf.get(hash);
    if (first === undefined) firstOf.set(hash, i);
    else out[i] = first;
  });
  return out;
}

/** `duplicate_of`, as points.csv writes it. */
export function duplicateColumn(duplicateOf: Int32Array): NumberColumn {
  return indexColumn(
    'duplicate_of',
    'Exact duplicate of',
    'Index of the first image with identical pixels and size (sha1 of the decoded RGB pixels); blank when none.',
    duplicateOf,
  );
}
