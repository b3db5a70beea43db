/**
 * Runs the health stage's pixel checks (health/pixel-checks.ts) in the decode processes, a few images per request.
 * In the engine process they ran at ~74 images/s on any machine (2,000 640×480 JPEGs: 27 s, three quarters of an
 * analysis whose embedding took 5 s): the statistics over each image's pixels were 13-14 ms of JavaScript (7 ms
 * since), and one thread did them all. Few images, or processes that cannot start, are checked here as before.
 */
import { DecodePool, type DecodePoolOptions } from '../decode/decode-pool.js';
import { runPixelChecks, type PixelChecks } from '../health/index.js';
import { QUALITY_STATS_DIM } from '../health/quality-stats.js';

/** Images per request: small enough to spread a saved chunk over every process, large enough to amortise a message. */
const IMAGES_PER_REQUEST = 16;
/** Below this, starting processes costs more than it saves. */
const IN_PROCESS_BELOW = 2 * IMAGES_PER_REQUEST;

export interface PixelCheckRunOptions {
  signal?: AbortSignal;
  onProgress?: (doneCount: number) => void;
}

export class PixelCheckRunner {
  /** undefined until first needed; null once processes are known not to start here. */
  private pool: DecodePool | null | undefined;

  constructor(private readonly poolOptions: DecodePoolOptions = {}) {}

  /** runPixelChecks' result for these images, in their order. */
  async run(absPaths: readonly string[], displayPaths: readonly string[], options: PixelCheckRunOptions = {}): Promise<PixelChecks> {
    const pool = absPaths.length >= IN_PROCESS_BELOW ? this.processes() : null;
    if (!pool) return runPixelChecks(absPaths, displayPaths, options);
    let done = 0;
    const requests: Promise<PixelChecks>[] = [];
    for (let start = 0; start < absPaths.length; start += IMAGES_PER_REQUEST) {
      const end = Math.min(start + IMAGES_PER_REQUEST, absPaths.length);
      requests.push(
        pool.check(absPaths.slice(start, end), displayPaths.slice(start, end), options.signal).then((checks) => {
          done += end - start;
          options.onProgress?.(done);
          return checks;
        }),
      );
    }
    const settled = await Promise.allSettled(requests);
    options.signal?.throwIfAborted();
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) {
      // Processes that cannot start on this host: check here from now on rather than fail the images.
      this.pool = null;
      await pool.close();
      return runPixelChecks(absPaths, displayPaths, options);
    }
    return concatChecks(settled.map((result) => (result as PromiseFulfilledResult<PixelChecks>).value));
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }

  private processes(): DecodePool | null {
    if (this.pool === undefined) {
      try {
        this.pool = new DecodePool(this.poolOptions);
      } catch {
        // The decode process script is missing (an unusual build): the checks run here.
        this.pool = null;
      }
    }
    return this.pool;
  }
}

function concatChecks(parts: readonly PixelChecks[]): PixelChecks {
  const stats = new Float32Array(parts.reduce((n, part) => n + part.stats.length, 0));
  let at = 0;
  for (const part of parts) {
    stats.set(part.stats, at);
    at += part.stats.length;
  }
  if (at % QUALITY_STATS_DIM !== 0) throw new Error(`pixel checks came back with ${at} stats, not rows of ${QUALITY_STATS_DIM}`);
  return {
    stats,
    hashes: parts.flatMap((part) => part.hashes),
    contentHashes: parts.flatMap((part) => part.contentHashes),
    problems: parts.flatMap((part) => part.problems),
  };
}
