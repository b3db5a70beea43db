/**
 * Child process of the project bench: our UMAP through runProjection (the engine's worker path) on an .npy matrix.
 * Prints `FIT_SECONDS s` (projection alone, loading excluded). With --recall-rows R it only measures kNN recall@15
 * on the first R rows instead (`KNN_RECALL r`), so that check never inflates the layout run's peak memory.
 *
 *   npx tsx bench/project/run-ours.ts IN.npy OUT.npy [--threads N] [--recall-rows R]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readNpyFile } from '../../src/core/dataset/npy.js';
import { knnGraph } from '../../src/core/project/knn/knn-graph.js';
import { runProjection } from '../../src/core/project/run-projection.js';
import { sampledRecall } from './knn-recall.js';
import { writeNpy } from './npy-write.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string' }, 'recall-rows': { type: 'string' } },
});
const args = z
  .object({
    input: z.string(),
    output: z.string(),
    threads: z.coerce.number().int().positive().optional(),
    recallRows: z.coerce.number().int().nonnegative().default(0),
  })
  .parse({ input: positionals[0], output: positionals[1], threads: values.threads, recallRows: values['recall-rows'] });

const matrix = readNpyFile(args.input);
if (args.recallRows > 0) {
  // Recall@15 of the approximate graph on the first recallRows rows against brute force on 1,000 sampled queries.
  const rows = Math.min(args.recallRows, matrix.rows);
  const subset = matrix.data.subarray(0, rows * matrix.cols);
  const started = performance.now();
  const graph = await knnGraph(subset, rows, matrix.cols, 15, { threads: args.threads, exactMaxRows: 0 });
  const knnSeconds = (performance.now() - started) / 1000;
  console.log(`KNN_RECALL ${sampledRecall(subset, rows, matrix.cols, graph, 1000).toFixed(4)} rows=${rows} seconds=${knnSeconds.toFixed(2)}`);
  process.exit(0);
}
const started = performance.now();
const xy = await runProjection({
  data: matrix.data,
  rows: matrix.rows,
  cols: matrix.cols,
  params: args.threads ? { threads: args.threads } : {},
  onStage: (stage) => console.log(`stage ${stage} at ${((performance.now() - started) / 1000).toFixed(1)} s`),
});
const seconds = (performance.now() - started) / 1000;
writeNpy(args.output, xy, [matrix.rows, 2]);
console.log(`FIT_SECONDS ${seconds.toFixed(2)}`);
