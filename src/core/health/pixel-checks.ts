/**
 * The pixel-level checks of many images in one decode each: quality stats (quality-stats.ts) and the pixel hash
 * for exact duplicates (duplicates.ts). An image that cannot be decoded gets a NaN stats row and a null hash and is
 * reported as a 'corrupt-image' problem naming it; the others go on.
 */
import type { InputProblem } from '../../shared/model/dataset.js';
import { mapWithConcurrency } from '../dataset/concurrency.js';
import { asImageDecodeError } from '../decode/image-decode-error.js';
import { pixelHashOf } from './duplicates.js';
import { decodePixelsWithHash } from './pixels.js';
import { QUALITY_STATS_DIM, qualityStatsOf } from './quality-stats.js';

export interface PixelChecks {
  /** rows × QUALITY_STATS_DIM, row-major; NaN rows for images that could not be decoded. */
  stats: Float32Array;
  hashes: (string | null)[];
  /** sha1 of each file's bytes (null where it could not be read or decoded). */
  contentHashes: (string | null)[];
  problems: InputProblem[];
}

export interface PixelCheckOptions {
  /** Images decoded at once (sharp decodes on libuv's thread pool). Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (doneCount: number) => void;
}

/** @param displayPaths how each image is named in problems (relative to the dataset root). */
export async function runPixelChecks(absPaths: readonly string[], displayPaths: readonly string[], options: PixelCheckOptions = {}): Promise<PixelChecks> {
  const stats = new Float32Array(absPaths.length * QUALITY_STATS_DIM);
  const problems: InputProblem[] = [];
  let done = 0;
  const contentHashes = new Array<string | null>(absPaths.length).fill(null);
  const hashes = await mapWithConcurrency(
    absPaths,
    options.concurrency ?? 4,
    async (absPath, i): Promise<string | null> => {
      try {
        const { pixels, contentHash } = await decodePixelsWithHash(absPath);
        contentHashes[i] = contentHash;
        stats.set(await qualityStatsOf(pixels), i * QUALITY_STATS_DIM);
        return pixelHashOf(pixels);
      } catch (error) {
        const name = displayPaths[i] ?? absPath;
        stats.fill(NaN, i * QUALITY_STATS_DIM, (i + 1) * QUALITY_STATS_DIM);
        problems.push(uncheckedImage(name, asImageDecodeError(absPath, error).reason));
        return null;
      } finally {
        options.onProgress?.(++done);
      }
    },
    options.signal,
  );
  return { stats, hashes, contentHashes, problems };
}

/** The problem of an image left out of the pixel checks. */
function uncheckedImage(name: string, reason: string): InputProblem {
  return { file: name, kind: 'corrupt-image', message: `${name} cannot be decoded (${reason}); it is left out of the image-quality and duplicate checks.` };
}

/** The checks of images none of which could be checked, each for `reason` (a decode process that died, say). */
export function failedPixelChecks(displayPaths: readonly string[], reason: string): PixelChecks {
  return {
    stats: new Float32Array(displayPaths.length * QUALITY_STATS_DIM).fill(NaN),
    hashes: displayPaths.map(() => null),
    contentHashes: displayPaths.map(() => null),
    problems: displayPaths.map((name) => uncheckedImage(name, reason)),
  };
}
