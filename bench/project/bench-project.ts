/**
 * 2-D layout benchmark: our UMAP against umap-learn and Embedding Atlas's WASM UMAP, in one run on the same data
 * (Fashion-MNIST, 70,000 images reduced to 64 PCA dimensions), each method in its own process so its peak RSS is
 * its own (measured by /usr/bin/time). Every layout is scored by ../shared/bench/projection_quality.py
 * (trustworthiness@10 on a 5,000 sample, 5-fold 2-D kNN(10) label accuracy).
 *
 *   npm run bench:project -- [--n 70000] [--only ours|umap-learn|atlas] [--threads 2] [--scale 1000000]
 *
 * --scale N: N synthetic rows (Fashion-MNIST pca64 tiled, plus gaussian noise of 5% of each column's spread);
 * ours only. Needs `apt-get install -y dataset-fashion-mnist`; arrays are cached under .cache/bench/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readNpyFile } from '../../src/core/dataset/npy.js';
import { mulberry32 } from '../../src/core/project/prng.js';
import { writeNpy } from './npy-write.js';

const PYTHON = '/usr/bin/python3';
const SHARED_BENCH = '../shared/bench';
const CACHE = '.cache/bench';
const FMNIST_DIR = join(CACHE, 'fmnist');
const WORK_DIR = join(CACHE, 'project');
const ATLAS_DIR = join(CACHE, 'peers');
const ATLAS_VERSION = '0.26.0';
const ATLAS_UMAP = join(ATLAS_DIR, 'node_modules/embedding-atlas/dist/umap.js');
const FMNIST_ROWS = 70_000;

const methods = ['ours', 'umap-learn', 'atlas'] as const;
type Method = (typeof methods)[number];

const { values } = parseArgs({
  options: { n: { type: 'string' }, only: { type: 'string' }, threads: { type: 'string' }, scale: { type: 'string' } },
});
const args = z
  .object({
    n: z.coerce.number().int().min(100).max(FMNIST_ROWS).default(FMNIST_ROWS),
    only: z.enum(methods).optional(),
    threads: z.coerce.number().int().positive().default(2),
    scale: z.coerce.number().int().min(FMNIST_ROWS).optional(),
  })
  .parse(values);

interface Row {
  method: string;
  shape: string;
  fitSeconds: number;
  wallSeconds: number;
  trust: number | null;
  accuracy: number | null;
  maxRssMb: number;
  note: string;
}

function ensureFashionMnist(): void {
  if (existsSync(join(FMNIST_DIR, 'pca64.npy')) && existsSync(join(FMNIST_DIR, 'labels.npy'))) return;
  if (!existsSync('/usr/share/datasets/fashion-mnist')) throw new Error('Fashion-MNIST missing: run `apt-get install -y dataset-fashion-mnist`');
  mkdirSync(FMNIST_DIR, { recursive: true });
  execFileSync(PYTHON, [join(SHARED_BENCH, 'load_fashion_mnist.py'), FMNIST_DIR], { stdio: 'inherit' });
}

/** Fetches the Embedding Atlas tarball with npm into the cache (its peer dependencies do not resolve, so it is no devDependency). */
function ensureAtlas(): void {
  if (existsSync(ATLAS_UMAP)) return;
  const target = join(ATLAS_DIR, 'node_modules/embedding-atlas');
  mkdirSync(target, { recursive: true });
  execFileSync('npm', ['pack', `embedding-atlas@${ATLAS_VERSION}`, '--pack-destination', ATLAS_DIR], { stdio: 'inherit' });
  const tarball = readdirSync(ATLAS_DIR).find((name) => name.startsWith('embedding-atlas-') && name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no embedding-atlas tarball in ${ATLAS_DIR}`);
  execFileSync('tar', ['-xzf', join(ATLAS_DIR, tarball), '-C', target, '--strip-components=1']);
}

/** The first n rows (and labels) as their own files, so every method reads exactly the same input. */
function prepareInput(n: number): { high: string; labels: string } {
  mkdirSync(WORK_DIR, { recursive: true });
  if (n === FMNIST_ROWS) return { high: join(FMNIST_DIR, 'pca64.npy'), labels: join(FMNIST_DIR, 'labels.npy') };
  const high = join(WORK_DIR, `pca64-${n}.npy`);
  const labels = join(WORK_DIR, `labels-${n}.npy`);
  const matrix = readNpyFile(join(FMNIST_DIR, 'pca64.npy'));
  writeNpy(high, matrix.data.slice(0, n * matrix.cols), [n, matrix.cols]);
  writeNpy(labels, readLabels().slice(0, n), [n]);
  return { high, labels };
}

function readLabels(): Int32Array {
  const bytes = readFileSync(join(FMNIST_DIR, 'labels.npy'));
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  if (!header.includes("'<i4'")) throw new Error(`${FMNIST_DIR}/labels.npy: expected int32 labels, header ${header.trim()}`);
  const body = bytes.subarray(10 + headerLength);
  return new Int32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
}

/** Fashion-MNIST pca64 tiled to `rows` rows with gaussian noise of 5% of each column's standard deviation. */
function prepareScaled(rows: number): { high: string; labels: string } {
  mkdirSync(WORK_DIR, { recursive: true });
  const high = join(WORK_DIR, `scaled-${rows}.npy`);
  const labels = join(WORK_DIR, `scaled-labels-${rows}.npy`);
  if (existsSync(high) && existsSync(labels)) return { high, labels };
  const source = readNpyFile(join(FMNIST_DIR, 'pca64.npy'));
  const sourceLabels = readLabels();
  const { cols } = source;
  const std = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    let sumSquares = 0;
    for (let row = 0; row < source.rows; row++) {
      const v = source.data[row * cols + c] as number;
      sum += v;
      sumSquares += v * v;
    }
    std[c] = Math.sqrt(Math.max(0, sumSquares / source.rows - (sum / source.rows) ** 2));
  }
  const random = mulberry32(99);
  const data = new Float32Array(rows * cols);
  const tiledLabels = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const from = row % source.rows;
    tiledLabels[row] = sourceLabels[from] as number;
    for (let c = 0; c < cols; c++) {
      const noise = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      data[row * cols + c] = (source.data[from * cols + c] as number) + 0.05 * (std[c] as number) * noise;
    }
  }
  writeNpy(high, data, [rows, cols]);
  writeNpy(labels, tiledLabels, [rows]);
  return { high, labels };
}

/** Runs a child under /usr/bin/time for its peak RSS; returns its stdout, wall seconds and max RSS in MB. */
function runMeasured(command: string, commandArgs: string[]): { stdout: string; wallSeconds: number; maxRssMb: number } {
  const rssFile = join(WORK_DIR, 'time-output.txt');
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...commandArgs], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  const maxRssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
  return { stdout: result.stdout, wallSeconds, maxRssMb: maxRssKb / 1024 };
}

function match(text: string, pattern: RegExp, what: string): number {
  const found = pattern.exec(text);
  if (!found?.[1]) throw new Error(`no ${what} in output:\n${text}`);
  return Number(found[1]);
}

function quality(high: string, low: string, labels: string): { trust: number; accuracy: number } {
  const output = execFileSync(PYTHON, [join(SHARED_BENCH, 'projection_quality.py'), high, low, labels], { encoding: 'utf8' });
  return {
    trust: match(output, /trustworthiness@10 \(sample \d+\): ([\d.]+)/, 'trustworthiness'),
    accuracy: match(output, /label accuracy: ([\d.]+)/, 'kNN accuracy'),
  };
}

function runMethod(method: Method, input: { high: string; labels: string }, shape: string, withQuality: boolean): Row {
  const low = join(WORK_DIR, `layout-${method}.npy`);
  const tsx = ['--import', 'tsx'];
  let measured: ReturnType<typeof runMeasured>;
  let fitSeconds: number;
  if (method === 'ours') {
    measured = runMeasured(process.execPath, [...tsx, 'bench/project/run-ours.ts', input.high, low, '--threads', String(args.threads)]);
    fitSeconds = match(measured.stdout, /FIT_SECONDS ([\d.]+)/, 'fit seconds');
    for (const line of measured.stdout.split('\n')) if (line.startsWith('stage ')) console.log(`  ours: ${line}`);
  } else if (method === 'umap-learn') {
    measured = runMeasured(PYTHON, [join(SHARED_BENCH, 'peer_projection.py'), input.high, low, '--method', 'umap', '--threads', String(args.threads)]);
    fitSeconds = match(measured.stdout, /seconds=([\d.]+)/, 'fit seconds');
  } else {
    ensureAtlas();
    measured = runMeasured(process.execPath, [...tsx, 'bench/project/run-atlas.ts', ATLAS_UMAP, input.high, low]);
    fitSeconds = match(measured.stdout, /FIT_SECONDS ([\d.]+)/, 'fit seconds');
  }
  const scores = withQuality ? quality(input.high, low, input.labels) : null;
  const notes: Record<Method, string> = {
    ours: `${args.threads} threads`,
    'umap-learn': `${args.threads} threads (numba JIT included)`,
    atlas: 'WASM, single thread',
  };
  return {
    method,
    shape,
    fitSeconds,
    wallSeconds: measured.wallSeconds,
    trust: scores?.trust ?? null,
    accuracy: scores?.accuracy ?? null,
    maxRssMb: measured.maxRssMb,
    note: notes[method],
  };
}

function printTable(rows: Row[]): void {
  const header = ['method', 'N×D', 'fit s', 'process wall s', 'trust@10', 'kNN acc', 'peak RSS MB', 'note'];
  const lines = rows.map((row) => [
    row.method,
    row.shape,
    row.fitSeconds.toFixed(1),
    row.wallSeconds.toFixed(1),
    row.trust?.toFixed(4) ?? '-',
    row.accuracy?.toFixed(4) ?? '-',
    row.maxRssMb.toFixed(0),
    row.note,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] as string).length)));
  const format = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

function load(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

ensureFashionMnist();
mkdirSync(WORK_DIR, { recursive: true });
console.log(`load average before: ${load()}`);
const results: Row[] = [];
if (args.scale !== undefined) {
  const input = prepareScaled(args.scale);
  results.push(runMethod('ours', input, `${args.scale}×64`, true));
} else {
  const input = prepareInput(args.n);
  if (!args.only || args.only === 'ours') {
    const recallRows = Math.min(20_000, args.n);
    const recall = runMeasured(process.execPath, ['--import', 'tsx', 'bench/project/run-ours.ts', input.high, '-', '--threads', String(args.threads), '--recall-rows', String(recallRows)]);
    console.log(recall.stdout.trim().split('\n').filter((line) => line.startsWith('KNN_RECALL')).join('\n'));
  }
  for (const method of methods) {
    if (args.only && args.only !== method) continue;
    console.log(`running ${method} on ${args.n}×64 ...`);
    results.push(runMethod(method, input, `${args.n}×64`, true));
  }
}
printTable(results);
console.log(`load average after: ${load()}`);
