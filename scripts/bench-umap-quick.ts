/**
 * Wall time of a UMAP layout through the projection worker on the Fashion-MNIST 10k embeddings (and a 1,000-row
 * subset), with the 2-D 10-NN label accuracy of each layout.
 *
 *   npx tsx scripts/bench-umap-quick.ts [--npy PATH] [--labels PATH] [--seed N] [--subset ROWS]
 *
 * Defaults: ../shared/datasets/fmnist-10k/embeddings/pixels-pca64.npy and its labels.csv (row i of the npy is
 * row i of the CSV). The npy header is parsed here (little-endian float32, C order, 2-D only) because the
 * engine's npy reader did not exist when this was written.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { knnLabelAccuracy } from '../src/core/project/layout-quality.js';
import { runProjection } from '../src/core/project/run-projection.js';
import type { ProjectionStage } from '../src/core/project/types.js';

const datasetDir = new URL('../../shared/datasets/fmnist-10k/', import.meta.url);

const argsSchema = z.object({
  npy: z.string().default(fileURLToPath(new URL('embeddings/pixels-pca64.npy', datasetDir))),
  labels: z.string().default(fileURLToPath(new URL('labels.csv', datasetDir))),
  seed: z.string().regex(/^\d+$/, 'must be a non-negative integer').default('42').transform(Number),
  subset: z.string().regex(/^\d+$/, 'must be a positive integer').default('1000').transform(Number),
});

interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** A float32 [rows, cols] .npy file (format versions 1 to 3). */
function readNpyFloat32Matrix(path: string): Matrix {
  const bytes = readFileSync(path);
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file (bad magic)`);
  const major = bytes[6];
  const headerLengthBytes = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString(major === 3 ? 'utf8' : 'latin1', headerStart, headerStart + headerLengthBytes);
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortranOrder = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4') throw new Error(`${path}: dtype ${descr ?? '(missing)'} is not little-endian float32 ('<f4')`);
  if (fortranOrder !== 'False') throw new Error(`${path}: fortran_order ${fortranOrder ?? '(missing)'}; only C order is supported`);
  const dims = (shape ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (dims.length !== 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${path}: shape (${shape}) is not 2-D`);
  const [rows, cols] = dims as [number, number];
  const dataStart = headerStart + headerLengthBytes;
  const expectedBytes = rows * cols * 4;
  if (bytes.length - dataStart !== expectedBytes) {
    throw new Error(`${path}: ${bytes.length - dataStart} data bytes, expected ${expectedBytes} for shape (${rows}, ${cols})`);
  }
  // Copy into a fresh, aligned buffer: the file's data offset need not be a multiple of 4 in the Buffer pool.
  const data = new Float32Array(rows * cols);
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + expectedBytes));
  return { data, rows, cols };
}

/** The `label` column of a `path,label` CSV as class indices, in file order. */
function readLabelIndices(path: string): Int32Array {
  const records = parseCsv(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as unknown[];
  const rowSchema = z.object({ label: z.string().min(1) });
  const classIndex = new Map<string, number>();
  const labels = new Int32Array(records.length);
  records.forEach((record, i) => {
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) throw new Error(`${path}:${i + 2}: ${parsed.error.issues[0]?.message ?? 'bad row'}`);
    const name = parsed.data.label;
    if (!classIndex.has(name)) classIndex.set(name, classIndex.size);
    labels[i] = classIndex.get(name) as number;
  });
  return labels;
}

interface RunTiming {
  rows: number;
  totalMs: number;
  /** Worker start, TypeScript transform (under tsx) and input transfer, up to the neighbour search. */
  startupMs: number;
  neighborsMs: number;
  layoutMs: number;
  epochs: number;
  previews: number;
  /** null when there are too few rows for 10 neighbours. */
  accuracy10: number | null;
}

async function timeRun(matrix: Matrix, labels: Int32Array, seed: number): Promise<RunTiming> {
  const stageAtMs = new Map<ProjectionStage, number>();
  let epochs = 0;
  let previews = 0;
  const startMs = performance.now();
  const xy = await runProjection({
    // A copy: the worker takes ownership of what it is given.
    data: matrix.data.slice(),
    rows: matrix.rows,
    cols: matrix.cols,
    params: { seed },
    onStage: (stage) => stageAtMs.set(stage, performance.now()),
    onProgress: (_epoch, total) => (epochs = total),
    onPreview: () => previews++,
  });
  const endMs = performance.now();
  const neighborsStartMs = stageAtMs.get('neighbors') ?? startMs;
  const layoutStartMs = stageAtMs.get('layout') ?? endMs;
  return {
    rows: matrix.rows,
    totalMs: endMs - startMs,
    startupMs: neighborsStartMs - startMs,
    neighborsMs: layoutStartMs - neighborsStartMs,
    layoutMs: endMs - layoutStartMs,
    epochs,
    previews,
    accuracy10: matrix.rows > 10 ? knnLabelAccuracy(xy, labels, 10) : null,
  };
}

function firstRows(matrix: Matrix, rows: number): Matrix {
  const kept = Math.min(rows, matrix.rows);
  return { data: matrix.data.slice(0, kept * matrix.cols), rows: kept, cols: matrix.cols };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { npy: { type: 'string' }, labels: { type: 'string' }, seed: { type: 'string' }, subset: { type: 'string' } },
  });
  const args = argsSchema.parse(values);
  const matrix = readNpyFloat32Matrix(args.npy);
  const labels = readLabelIndices(args.labels);
  if (labels.length !== matrix.rows) throw new Error(`${args.labels}: ${labels.length} rows, but ${args.npy} has ${matrix.rows}`);

  console.log(`umap-js via worker thread, seed ${args.seed}; ${args.npy} [${matrix.rows}, ${matrix.cols}]`);
  const subset = firstRows(matrix, args.subset);
  for (const [name, input, inputLabels] of [
    [`first ${subset.rows} rows`, subset, labels.subarray(0, subset.rows)],
    [`all ${matrix.rows} rows`, matrix, labels],
  ] as const) {
    const t = await timeRun(input, inputLabels, args.seed);
    console.log(
      `${name.padEnd(18)} total ${(t.totalMs / 1000).toFixed(2)} s ` +
        `(worker start ${(t.startupMs / 1000).toFixed(2)} s, neighbours ${(t.neighborsMs / 1000).toFixed(2)} s, ${t.epochs} epochs ${(t.layoutMs / 1000).toFixed(2)} s, ` +
        `${t.previews} previews)  2-D 10-NN label accuracy ${t.accuracy10?.toFixed(4) ?? 'n/a'}`,
    );
  }
}

await main();
