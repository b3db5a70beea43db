/**
 * `dataset-health project IN.npy --out OUT.npy`: a 2-D layout of a float matrix, with no dataset around it.
 * Finished layouts are cached under `<data dir>/projection-cache`, keyed by the input bytes, method and options,
 * so running the same command again only copies the layout out.
 */
import path from 'node:path';
import type { LayoutMethod } from '../shared/model/dataset.js';
import { readNpyFile } from '../core/dataset/npy.js';
import { ProjectionCache } from '../core/project/cache/projection-cache.js';
import { projectionCacheKey } from '../core/project/cache/cache-key.js';
import { writeNpy } from '../core/project/cache/write-npy.js';
import { resolveUmapParams } from '../core/project/index.js';
import { runProjection } from '../core/project/run-projection.js';
import { resolveTsneParams } from '../core/project/tsne/params.js';
import type { ProjectionParams } from '../core/project/types.js';
import { defaultDataDir } from '../core/store/paths.js';
import { CliUsageError, exactlyOne, parseCommandArgs, parseIntOption, parseMethodOption, printHelp } from './args.js';
import { dataDirOption } from './engine-client.js';

export const PROJECT_HELP = `Usage: dataset-health project IN.npy --out OUT.npy [options]

  --method umap|tsne   layout method (default umap)
  --neighbors N        UMAP neighbourhood size (default 15; at most rows - 1)
  --perplexity P       t-SNE perplexity (default 30; lowered to (rows - 1) / 3 when rows are few)
  --seed S             layout seed (default 42)
  --threads T          worker threads (default: 1 below 4,096 rows, else all cores)
  --data-dir DIR       where the projection cache lives (default: the user data directory)
  --out OUT.npy        writes the layout as float32 [N, 2], normalised into [-1, 1]

IN.npy is a 2-D float32 or float64 array [N, D], one row per point. Progress goes to stderr.`;

const CACHE_FOLDER = 'projection-cache';

export async function projectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    method: { type: 'string' },
    neighbors: { type: 'string' },
    perplexity: { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return printHelp(PROJECT_HELP);
  const input = exactlyOne(positionals, 'project', 'input .npy file');
  if (!values.out) throw new CliUsageError('project needs --out OUT.npy');
  const method = parseMethodOption(values.method);
  if (values.neighbors !== undefined && method !== 'umap') throw new CliUsageError('--neighbors applies to --method umap only');
  if (values.perplexity !== undefined && method !== 'tsne') throw new CliUsageError('--perplexity applies to --method tsne only');
  const params = parseParams(values);

  const matrix = readNpyFile(path.resolve(input), input);
  const { rows, cols } = matrix;
  reportReductions(method, rows, params);
  const cache = new ProjectionCache(path.join(dataDirOption(values) ?? defaultDataDir(), CACHE_FOLDER));
  const key = projectionCacheKey({ data: matrix.data, rows, cols, method, params });
  const outPath = path.resolve(values.out);

  const cached = cache.get(key);
  if (cached && cached.length === 2 * rows) {
    writeNpy(outPath, cached, rows, 2);
    process.stderr.write(`${method}: ${rows} points from the projection cache\n`);
    return 0;
  }
  const t0 = performance.now();
  let lastTenth = -1;
  const xy = await runProjection({
    // The key above was computed from these bytes; runProjection may now take (transfer) the buffer.
    data: matrix.data,
    rows,
    cols,
    method,
    params,
    onStage: (stage) => process.stderr.write(`${method}: ${stage === 'neighbors' ? 'nearest neighbours' : 'layout'}\n`),
    onProgress: (done, total) => {
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (tenth === lastTenth || done === 0) return;
      lastTenth = tenth;
      process.stderr.write(`${method}: ${done}/${total} iterations (${tenth * 10}%)\n`);
    },
  });
  cache.set(key, xy);
  writeNpy(outPath, xy, rows, 2);
  process.stderr.write(`${method}: ${rows} points in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${outPath}\n`);
  return 0;
}

function parseParams(values: { neighbors?: string; perplexity?: string; seed?: string; threads?: string }): ProjectionParams {
  const params: ProjectionParams = {};
  const neighbors = parseIntOption('neighbors', values.neighbors);
  const seed = parseIntOption('seed', values.seed);
  const threads = parseIntOption('threads', values.threads);
  if (neighbors !== undefined) {
    if (neighbors < 2) throw new CliUsageError(`--neighbors must be at least 2, got ${neighbors}`);
    params.nNeighbors = neighbors;
  }
  if (values.perplexity !== undefined) {
    const perplexity = Number(values.perplexity);
    if (!Number.isFinite(perplexity) || perplexity < 1) throw new CliUsageError(`--perplexity must be a number of at least 1, got '${values.perplexity}'`);
    params.perplexity = perplexity;
  }
  if (seed !== undefined) params.seed = seed;
  if (threads !== undefined) {
    if (threads < 1) throw new CliUsageError(`--threads must be at least 1, got ${threads}`);
    params.threads = threads;
  }
  return params;
}

/** Says when there are too few rows for the requested neighbourhood, and what the run uses instead. */
function reportReductions(method: LayoutMethod, rows: number, params: ProjectionParams): void {
  if (rows < 4) return; // both projectors place 0 to 3 rows on a fixed circle
  if (method === 'tsne') {
    const resolved = resolveTsneParams(rows, params);
    if (resolved.reducedFrom !== undefined) {
      process.stderr.write(
        `tsne: perplexity ${resolved.reducedFrom} needs more than ${rows} rows; using ${resolved.perplexity.toFixed(2)} ` +
          `over ${resolved.neighbors} neighbours\n`,
      );
    }
  } else {
    const requested = params.nNeighbors ?? 15;
    const used = resolveUmapParams(rows, params).nNeighbors;
    if (used < requested) process.stderr.write(`umap: ${requested} neighbours need more than ${rows} rows; using ${used}\n`);
  }
}
