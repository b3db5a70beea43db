/**
 * t-SNE benchmark: our Barnes-Hut t-SNE against scikit-learn's (init='pca', same defaults) in one run on the same
 * data, Fashion-MNIST (70,000 images, 64 PCA dimensions), each in its own process. Both layouts are scored by
 * ../shared/bench/projection_quality.py (trustworthiness@10 on a 5,000 sample, 5-fold 2-D kNN(10) accuracy).
 *
 *   npm run bench:tsne -- [--n 70000] [--threads 2] [--only ours|sklearn]
 *
 * --n takes the first N rows. `runTsneBench()` returns the rows for bench/project's table.
 * Needs `apt-get install -y dataset-fashion-mnist python3-sklearn`; arrays are cached under .cache/bench/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readNpyFile } from '../../src/core/dataset/npy.js';
import { writeNpy } from '../../src/core/project/cache/write-npy.js';

const PYTHON = '/usr/bin/python3';
const SHARED_BENCH = '../shared/bench';
const FMNIST_DIR = '.cache/bench/fmnist';
const WORK_DIR = '.cache/bench/tsne';
const FMNIST_ROWS = 70_000;

export interface TsneBenchOptions {
  n?: number;
  threads?: number;
  only?: 'ours' | 'sklearn';
  /** Called with each row as soon as it is measured (a 70k sklearn fit can take half an hour). */
  onRow?(row: TsneBenchRow): void;
}

export interface TsneBenchRow {
  method: string;
  rows: number;
  fitSeconds: number;
  trust: number;
  accuracy: number;
  note: string;
}

export async function runTsneBench({ n = FMNIST_ROWS, threads = 2, only, onRow }: TsneBenchOptions = {}): Promise<TsneBenchRow[]> {
  const { input, labels } = prepareInput(n);
  const results: TsneBenchRow[] = [];
  const push = (row: TsneBenchRow): void => {
    results.push(row);
    onRow?.(row);
  };
  if (only !== 'sklearn') {
    const out = join(WORK_DIR, `ours-${n}.npy`);
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'bench/tsne/run-ours.ts', input, out, String(threads)], { encoding: 'utf8' });
    const timing = z.object({ seconds: z.number(), affinitySeconds: z.number(), optimizeSeconds: z.number() }).parse(JSON.parse(lastLine(stdout)));
    push({
      method: 'ours (Barnes-Hut, TypeScript)',
      rows: n,
      fitSeconds: timing.seconds,
      ...quality(input, out, labels),
      note: `kNN+P ${timing.affinitySeconds.toFixed(1)} s, optimise ${timing.optimizeSeconds.toFixed(1)} s`,
    });
  }
  if (only !== 'ours') {
    const out = join(WORK_DIR, `sklearn-${n}.npy`);
    const stdout = execFileSync(PYTHON, [join(SHARED_BENCH, 'peer_projection.py'), input, out, '--method', 'tsne', '--threads', String(threads)], {
      encoding: 'utf8',
    });
    const seconds = Number(/seconds=([\d.]+)/.exec(stdout)?.[1]);
    if (!Number.isFinite(seconds)) throw new Error(`peer_projection.py printed no seconds: ${stdout}`);
    push({ method: 'scikit-learn TSNE (Barnes-Hut)', rows: n, fitSeconds: seconds, ...quality(input, out, labels), note: `n_jobs=${threads}` });
  }
  return results;
}

function prepareInput(n: number): { input: string; labels: string } {
  mkdirSync(WORK_DIR, { recursive: true });
  if (!existsSync(join(FMNIST_DIR, 'pca64.npy'))) {
    if (!existsSync('/usr/share/datasets/fashion-mnist')) throw new Error('Fashion-MNIST missing: run `apt-get install -y dataset-fashion-mnist`');
    execFileSync(PYTHON, [join(SHARED_BENCH, 'load_fashion_mnist.py'), FMNIST_DIR], { stdio: 'inherit' });
  }
  if (n === FMNIST_ROWS) return { input: join(FMNIST_DIR, 'pca64.npy'), labels: join(FMNIST_DIR, 'labels.npy') };
  const input = join(WORK_DIR, `pca64-${n}.npy`);
  const labels = join(WORK_DIR, `labels-${n}.npy`);
  const all = readNpyFile(join(FMNIST_DIR, 'pca64.npy'));
  writeNpy(input, all.data.subarray(0, n * all.cols), n, all.cols);
  execFileSync(PYTHON, ['-c', `import numpy as np; np.save('${labels}', np.load('${join(FMNIST_DIR, 'labels.npy')}')[:${n}])`]);
  return { input, labels };
}

function quality(high: string, low: string, labels: string): { trust: number; accuracy: number } {
  const stdout = execFileSync(PYTHON, [join(SHARED_BENCH, 'projection_quality.py'), high, low, labels], { encoding: 'utf8' });
  const trust = Number(/trustworthiness@10 .*: ([\d.]+)/.exec(stdout)?.[1]);
  const accuracy = Number(/label accuracy: ([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(trust) || !Number.isFinite(accuracy)) throw new Error(`projection_quality.py printed no figures: ${stdout}`);
  return { trust, accuracy };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { n: { type: 'string' }, threads: { type: 'string' }, only: { type: 'string' } } });
  const options = z
    .object({
      n: z.coerce.number().int().min(100).max(FMNIST_ROWS).default(FMNIST_ROWS),
      threads: z.coerce.number().int().positive().default(2),
      only: z.enum(['ours', 'sklearn']).optional(),
    })
    .parse(values);
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  process.stdout.write(`t-SNE on Fashion-MNIST pca64, first ${options.n} rows, ${options.threads} threads (load before: ${load})\n`);
  process.stdout.write('| method | rows | fit s | trustworthiness@10 | 2-D kNN(10) acc | note |\n| --- | --- | --- | --- | --- | --- |\n');
  const rows = await runTsneBench({
    ...options,
    onRow: (r) => {
      process.stdout.write(`| ${r.method} | ${r.rows} | ${r.fitSeconds.toFixed(1)} | ${r.trust.toFixed(4)} | ${r.accuracy.toFixed(4)} | ${r.note} |\n`);
    },
  });
  const [ours, peer] = [rows.find((r) => r.method.startsWith('ours')), rows.find((r) => r.method.startsWith('scikit'))];
  if (ours && peer) {
    process.stdout.write(`time ratio ours/sklearn: ${(ours.fitSeconds / peer.fitSeconds).toFixed(2)}; trustworthiness difference: ${(ours.trust - peer.trust).toFixed(4)}\n`);
  }
  process.stdout.write(`load after: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
}
