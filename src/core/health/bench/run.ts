/**
 * Health-check figures on real data (Fashion-MNIST test split, 10,000 images) and a synthetic 1M-point layout.
 *
 *   npx tsx src/core/health/bench/run.ts [--images 2000] [--skip-layout] [--scale 1000000]
 *
 * Prints: kNN + outliers + uniqueness + near-duplicates on embeddings/pixels-pca64.npy; a UMAP layout (the engine's
 * runProjection) then HDBSCAN clusters of it, with adjusted Rand index against the labels and the weakest
 * clusters under predictions/logreg.csv; HDBSCAN on synthetic Gaussian blobs of `--scale` points; pixel checks
 * (quality stats + pixel hash) on the first `--images` images of labels.csv against a decode-only baseline on the
 * same files. No peer runs here: hdbscan, scikit-learn >= 1.3 and CleanVision are not installed on this machine.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { readNpyFile } from '../../dataset/npy.js';
import { mapWithConcurrency } from '../../dataset/concurrency.js';
import { openImage } from '../../decode/open-image.js';
import { runProjection } from '../../project/index.js';
import { summarizeClusters } from '../cluster-summary.js';
import { clusterLayout } from '../clusters.js';
import { quantiles } from '../columns.js';
import { exactDuplicates } from '../duplicates.js';
import { hdbscanFromKnn } from '../hdbscan.js';
import { nearDuplicates } from '../near-duplicates.js';
import { embeddingNeighbors } from '../neighbors.js';
import { outlierScores, uniqueness } from '../outliers.js';
import { runPixelChecks } from '../pixel-checks.js';
import { qualityFlags } from '../quality-flags.js';
import { adjustedRandIndex, blobs2d } from '../test-data.js';

const DATASET = fileURLToPath(new URL('../../../../../shared/datasets/fmnist-10k/', import.meta.url));

const args = z
  .object({
    images: z.string().regex(/^\d+$/).default('2000').transform(Number),
    scale: z.string().regex(/^\d+$/).default('1000000').transform(Number),
    'skip-layout': z.boolean().default(false),
  })
  .parse(parseArgs({ options: { images: { type: 'string' }, scale: { type: 'string' }, 'skip-layout': { type: 'boolean' } } }).values);

const LabelRow = z.object({ path: z.string(), label: z.string() });
const PredictionRow = z.object({ path: z.string(), predicted_label: z.string() });

function readCsv<T>(file: string, schema: z.ZodType<T>): T[] {
  const rows = parseCsv(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as unknown[];
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) throw new Error(`${file}:${i + 2}: ${parsed.error.message}`);
    return parsed.data;
  });
}

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const result = await fn();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return result;
}

const fmt = (values: number[]): string => values.map((v) => v.toPrecision(3)).join(' / ');

console.log(`cores ${cpus().length}, load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);

const labelRows = readCsv(path.join(DATASET, 'labels.csv'), LabelRow);
const classes = [...new Set(labelRows.map((r) => r.label))].sort();
const labels = Int32Array.from(labelRows, (r) => classes.indexOf(r.label));
const predictedByPath = new Map(readCsv(path.join(DATASET, 'predictions/logreg.csv'), PredictionRow).map((r) => [r.path, r.predicted_label]));
const predicted = Int32Array.from(labelRows, (r) => classes.indexOf(predictedByPath.get(r.path) ?? ''));
const { data, rows, cols } = readNpyFile(path.join(DATASET, 'embeddings/pixels-pca64.npy'));
console.log(`\n== embeddings: ${rows} × ${cols} (pixels-pca64) ==`);

const knn = await timed('kNN graph (k=10, cosine, project knn module)', () => embeddingNeighbors(data, rows, cols, 10, { metric: 'cosine' }));
const outliers = await timed('outlier scores', () => outlierScores(knn));
const flagged = outliers.isOutlier.reduce((a, b) => a + b, 0);
console.log(`  outliers flagged: ${flagged} (${((100 * flagged) / rows).toFixed(1)}%), threshold d > ${outliers.thresholdDistance.toPrecision(3)}`);
const uniq = uniqueness(knn);
console.log(`  uniqueness quartiles: ${fmt(quantiles(uniq, [0.25, 0.5, 0.75]))}`);
const nn = nearDuplicates(knn);
console.log(`  nn cosine distance p1 / p5 / p50: ${fmt(quantiles(nn.nnDistance, [0.01, 0.05, 0.5]))}`);
for (const distance of [0.01, 0.02, 0.05, 0.1]) {
  const result = nearDuplicates(knn, { mode: 'absolute', distance });
  console.log(`  near-duplicates at cosine < ${distance}: ${result.nearDuplicateOf.filter((v) => v >= 0).length}`);
}
const relative = nearDuplicates(knn, { mode: 'relative', factor: 0.13 });
console.log(`  near-duplicates, Cleanlab relative rule (< ${relative.thresholdDistance.toPrecision(3)}): ${relative.nearDuplicateOf.filter((v) => v >= 0).length}`);

const knn15 = await embeddingNeighbors(data, rows, cols, 15, { metric: 'euclidean' });
const embeddingClusters = await timed('HDBSCAN on the 64-D 15-NN graph (no bridges)', () => hdbscanFromKnn(knn15, { minClusterSize: 50, minSamples: 10 }));
report('64-D', embeddingClusters);

if (!args['skip-layout']) {
  console.log('\n== 2-D layout ==');
  const xy = await timed('UMAP layout (runProjection, worker thread)', () => runProjection({ data: data.slice(), rows, cols }));
  const cluster = await timed('clusterLayout (grid kNN + HDBSCAN)', () => clusterLayout(xy));
  report('2-D default (EOM, max cluster n/2)', cluster);
  report('2-D EOM uncapped', clusterLayout(xy, { maxClusterSize: Infinity }));
  report('2-D EOM max cluster n/5', clusterLayout(xy, { maxClusterSize: rows / 5 }));
  report('2-D leaf', clusterLayout(xy, { selection: 'leaf' }));
  const summaries = summarizeClusters({ cluster, labels, classes, predicted, xy });
  for (const s of summaries.slice(0, 3)) {
    console.log(`  weak cluster ${s.id}: size ${s.size}, majority ${s.majorityLabel} (purity ${s.purity.toFixed(2)}), error rate ${s.errorRate.toFixed(2)}, top confusion ${JSON.stringify(s.topConfusions[0])}`);
  }
}

console.log(`\n== synthetic layout: ${args.scale} points, 20 Gaussian blobs ==`);
const big = blobs2d(Array.from({ length: 20 }, (_, i) => [(i % 5) * 10, Math.floor(i / 5) * 10] as [number, number]), Math.round(args.scale / 20), 1.5, 2);
const bigClusters = await timed('clusterLayout', () => clusterLayout(big.xy));
console.log(`  ARI vs blobs ${adjustedRandIndex(bigClusters, big.truth).toFixed(4)}, clusters ${countClusters(bigClusters)}, noise ${noiseShare(bigClusters)}`);

const imageCount = Math.min(args.images, labelRows.length);
const absPaths = labelRows.slice(0, imageCount).map((r) => path.join(DATASET, r.path));
console.log(`\n== pixel checks: first ${imageCount} images of labels.csv, 4 at a time ==`);
// Read every file once first so neither measurement pays for a cold disk cache.
await mapWithConcurrency(absPaths, 4, async (p) => readFile(p));
const baselineStart = performance.now();
await mapWithConcurrency(absPaths, 4, async (p) => (await openImage(p)).raw().toBuffer());
const baselineS = (performance.now() - baselineStart) / 1000;
console.log(`decode only (openImage → raw): ${baselineS.toFixed(2)} s, ${(imageCount / baselineS).toFixed(0)} images/s`);
const checksStart = performance.now();
const checks = await runPixelChecks(absPaths, labelRows.slice(0, imageCount).map((r) => r.path), { concurrency: 4 });
const checksS = (performance.now() - checksStart) / 1000;
console.log(`runPixelChecks (stats + pixel hash): ${checksS.toFixed(2)} s, ${(imageCount / checksS).toFixed(0)} images/s, ${(checksS / baselineS).toFixed(2)}× decode only`);
const flags = qualityFlags(checks.stats, imageCount);
for (const column of flags.filter((c) => !c.name.endsWith('_score'))) {
  console.log(`  ${column.name}: ${column.values.reduce((a, v) => a + (v === 1 ? 1 : 0), 0)}`);
}
console.log(`  exact duplicates (pixel hash): ${exactDuplicates(checks.hashes).filter((v) => v >= 0).length}, problems: ${checks.problems.length}`);
console.log(`load average at end ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);

function report(name: string, cluster: Int32Array): void {
  const summaries = summarizeClusters({ cluster, labels, classes, xy: new Float32Array(2 * cluster.length) });
  const clustered = summaries.reduce((a, s) => a + s.size, 0);
  const purity = summaries.reduce((a, s) => a + s.purity * s.size, 0) / clustered;
  console.log(`  ${name}: ${countClusters(cluster)} clusters, noise ${noiseShare(cluster)}, weighted label purity ${purity.toFixed(3)}, ARI vs labels ${adjustedRandIndex(cluster, labels).toFixed(3)}`);
}

function countClusters(cluster: Int32Array): number {
  let max = -1;
  for (const c of cluster) if (c > max) max = c;
  return max + 1;
}

function noiseShare(cluster: Int32Array): string {
  return `${((100 * cluster.filter((c) => c < 0).length) / cluster.length).toFixed(1)}%`;
}
