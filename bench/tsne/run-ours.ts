/**
 * One t-SNE fit in its own process: `tsx bench/tsne/run-ours.ts IN.npy OUT.npy [THREADS]`. Prints one JSON line
 * with the fit seconds (read and write excluded, like peer_projection.py) and the stage timings.
 */
import { readNpyFile } from '../../src/core/dataset/npy.js';
import { writeNpy } from '../../src/core/project/cache/write-npy.js';
import { computeTsne } from '../../src/core/project/tsne/tsne.js';

const [input, output, threadsText] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: run-ours.ts IN.npy OUT.npy [THREADS]');
const { data, rows, cols } = readNpyFile(input);
const t0 = performance.now();
let layoutStartMs = 0;
const xy = await computeTsne({ data, rows, cols }, threadsText ? { threads: Number(threadsText) } : {}, {
  onStage: (stage) => {
    if (stage === 'layout') layoutStartMs = performance.now();
  },
});
const t1 = performance.now();
writeNpy(output, xy, rows, 2);
process.stdout.write(JSON.stringify({ seconds: (t1 - t0) / 1000, affinitySeconds: (layoutStartMs - t0) / 1000, optimizeSeconds: (t1 - layoutStartMs) / 1000 }) + '\n');
