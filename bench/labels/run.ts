/**
 * Mislabel detection benchmark (`npm run bench:labels`): Fashion-MNIST test split with 8 % of labels flipped
 * towards classes a real model confuses; how well each score ranks the flipped images (average precision and
 * precision at the number flipped), with the predictions file and without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readNpyFile } from '../../src/core/dataset/npy.js';
import { alignProbabilities } from '../../src/core/labels-quality/classification-metrics.js';
import { labelQuality } from '../../src/core/labels-quality/label-quality.js';
import { crossValidatedProbe } from '../../src/core/labels-quality/linear-probe.js';
import { averagePrecision, precisionAt } from '../../src/core/labels-quality/ranking-metrics.js';
import { parseClassificationCsv } from '../../src/core/predictions/classification-csv.js';
import { flipLabels } from './noisy-labels.js';

const DATASET = path.resolve(process.env.FMNIST_DIR ?? '../shared/datasets/fmnist-10k');
const FLIP_RATE = 0.08;
const SEEDS = (process.env.SEEDS ?? '1,2,3').split(',').map(Number);
/** Debian's python with python3-sklearn runs the peer probe; set PEER_PYTHON='' to skip it. */
const PEER_PYTHON = process.env.PEER_PYTHON ?? '/usr/bin/python3';
const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'bench-labels-'));
const peerRuns: { seed: number; noisy: string; flipped: string }[] = [];
const probeSeconds: number[] = [];

const labelRows = readFileSync(path.join(DATASET, 'labels.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
const images = labelRows.map((row) => {
  const [imagePath, label] = row.split(',') as [string, string];
  return { path: imagePath, label: label.trim() };
});
const classes = [...new Set(images.map((im) => im.label))].sort();
const k = classes.length;
const count = images.length;
const truth = Int32Array.from(images, (im) => classes.indexOf(im.label));
const embeddings = readNpyFile(path.join(DATASET, 'embeddings/pixels-pca64.npy'));
if (embeddings.rows !== count) throw new Error(`embeddings have ${embeddings.rows} rows for ${count} images`);
const parsed = parseClassificationCsv(readFileSync(path.join(DATASET, 'predictions/logreg.csv'), 'utf8'), 'logreg.csv', images, classes);
if (!parsed.ok || parsed.probs === null) throw new Error('predictions/logreg.csv has no probabilities');
const modelProbs = alignProbabilities(parsed.probs, classes);

// The real model's confusion matrix against the true labels: where flips go.
const confusion = new Float64Array(k * k);
for (let i = 0; i < count; i += 1) {
  let top = 0;
  for (let c = 1; c < k; c += 1) if ((modelProbs[i * k + c] as number) > (modelProbs[i * k + top] as number)) top = c;
  confusion[(truth[i] as number) * k + top] = (confusion[(truth[i] as number) * k + top] as number) + 1;
}

console.log(`dataset ${DATASET}: ${count} images, ${k} classes, ${embeddings.cols}-d embeddings; flip rate ${FLIP_RATE}, seeds ${SEEDS.join(', ')}`);
console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
const table = new Map<string, { ap: number[]; precision: number[] }>();
const record = (setting: string, method: string, scores: Float32Array, flipped: Uint8Array, flips: number) => {
  const key = `${setting}\t${method}`;
  const entry = table.get(key) ?? { ap: [], precision: [] };
  entry.ap.push(averagePrecision(scores, flipped));
  entry.precision.push(precisionAt(scores, flipped, flips));
  table.set(key, entry);
};
const oneMinusLabelProb = (probs: Float32Array, labels: Int32Array) => Float32Array.from(labels, (label, i) => 1 - (probs[i * k + label] as number));

for (const seed of SEEDS) {
  const { noisy, flipped } = flipLabels(truth, confusion, k, FLIP_RATE, seed);
  const flips = flipped.reduce((a, b) => a + b, 0);
  const files = { seed, noisy: path.join(scratchDir, `noisy-${seed}.i32`), flipped: path.join(scratchDir, `flipped-${seed}.u8`) };
  writeFileSync(files.noisy, noisy);
  writeFileSync(files.flipped, flipped);
  peerRuns.push(files);
  const probeStartedMs = performance.now();
  crossValidatedProbe(embeddings.data, count, embeddings.cols, noisy, k, { seed });
  probeSeconds.push((performance.now() - probeStartedMs) / 1000);
  const input = { classes, labels: noisy, embeddings: { idxs: Int32Array.from({ length: count }, (_, i) => i), dim: embeddings.cols, data: embeddings.data } };
  for (const setting of ['with predictions', 'without predictions']) {
    const startedMs = performance.now();
    const result = await labelQuality(setting === 'with predictions' ? { ...input, predictedProbs: modelProbs } : input, { seed });
    const elapsedMs = performance.now() - startedMs;
    const column = (name: string) => {
      const c = result.columns.find((col) => col.name === name);
      if (c?.kind !== 'number') throw new Error(`no ${name} column`);
      return c.values;
    };
    const issues = column('label_issue');
    const flagged = issues.reduce((a, b) => a + b, 0);
    let flaggedRight = 0;
    for (let i = 0; i < count; i += 1) if (issues[i] === 1 && flipped[i] === 1) flaggedRight += 1;
    console.log(`seed ${seed}, ${setting}: ${flips} flipped; labelQuality ${(elapsedMs / 1000).toFixed(1)} s; confident learning flags ${flagged} (precision ${(flaggedRight / flagged).toFixed(3)}, recall ${(flaggedRight / flips).toFixed(3)})`);
    if (setting === 'with predictions') record(setting, '(a) 1 - predictions self-confidence', oneMinusLabelProb(modelProbs, noisy), flipped, flips);
    record(setting, '(b) 1 - kNN agreement', Float32Array.from(result.knnAgreement, (v) => 1 - v), flipped, flips);
    record(setting, '(c) 1 - probe self-confidence', oneMinusLabelProb(result.sources.probe as Float32Array, noisy), flipped, flips);
    record(setting, 'mislabel_score (combined)', column('mislabel_score'), flipped, flips);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
let peerSeconds: number[] = [];
if (PEER_PYTHON !== '') {
  const manifest = path.join(scratchDir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({ embeddings: path.join(DATASET, 'embeddings/pixels-pca64.npy'), runs: peerRuns }));
  const peer = spawnSync(PEER_PYTHON, [path.join(import.meta.dirname, 'peer_sklearn.py'), manifest], { encoding: 'utf8' });
  if (peer.status !== 0) console.log(`peer skipped: ${PEER_PYTHON} peer_sklearn.py failed (${peer.error?.message ?? peer.stderr.trim().split('\n').pop()})`);
  else {
    const lines = peer.stdout.trim().split('\n').map((line) => JSON.parse(line) as { seed: number; seconds: number; auprc: number });
    peerSeconds = lines.map((l) => l.seconds);
    table.set('without predictions\tpeer: scikit-learn 5-fold probe, 1 - self-confidence', { ap: lines.map((l) => l.auprc), precision: [] });
  }
}
rmSync(scratchDir, { recursive: true, force: true });

// CLIP-sized input: the pca64 rows lifted to 512 dims by a fixed random projection (same labels, seed 1 noise).
const WIDE_DIM = 512;
const projection = Float32Array.from({ length: embeddings.cols * WIDE_DIM }, (_, j) => Math.sin(j * 12.9898) * 0.2);
const wide = new Float32Array(count * WIDE_DIM);
for (let i = 0; i < count; i += 1) {
  for (let f = 0; f < embeddings.cols; f += 1) {
    const v = embeddings.data[i * embeddings.cols + f] as number;
    for (let o = 0; o < WIDE_DIM; o += 1) wide[i * WIDE_DIM + o] = (wide[i * WIDE_DIM + o] as number) + v * (projection[f * WIDE_DIM + o] as number);
  }
}
const wideStartedMs = performance.now();
crossValidatedProbe(wide, count, WIDE_DIM, flipLabels(truth, confusion, k, FLIP_RATE, 1).noisy, k, { seed: 1 });
const wideSeconds = (performance.now() - wideStartedMs) / 1000;
console.log(`\nlinear probe, 5 folds on ${count} × ${embeddings.cols}: ours ${probeSeconds.map((s) => s.toFixed(1)).join(', ')} s` +
  (peerSeconds.length > 0 ? `; scikit-learn ${peerSeconds.map((s) => s.toFixed(1)).join(', ')} s (ratio ours/peer ${(mean(probeSeconds) / mean(peerSeconds)).toFixed(2)})` : ''));
console.log(`linear probe, 5 folds on ${count} × ${WIDE_DIM}: ours ${wideSeconds.toFixed(1)} s; load now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`\nsetting\tmethod\tAUPRC (mean of ${SEEDS.length} seeds; per seed)\tprecision@#flipped (mean)`);
for (const [key, { ap, precision }] of table) {
  console.log(`${key}\t${mean(ap).toFixed(4)} (${ap.map((v) => v.toFixed(4)).join(', ')})\t${precision.length > 0 ? mean(precision).toFixed(4) : '-'}`);
}
