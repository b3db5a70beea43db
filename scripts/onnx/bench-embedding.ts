/**
 * Throughput of the embedding layer on a folder of images (first N files in path order):
 *
 *   npx tsx scripts/onnx/bench-embedding.ts --images ../shared/datasets/fmnist-10k/images [--count 2000]
 *       [--model PATH.onnx] [--batch 32] [--providers webgpu,cpu]
 *
 * Prints one JSON line: images/s for CLIP preprocessing (decode + resize/crop, then the float normalisation), the
 * pixels embedder, and, with --model, the ONNX model end to end through embedInBatches. Without --model it builds
 * the tiny test model in a temp folder.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { mapWithConcurrency } from '../../src/core/dataset/concurrency.js';
import { CLIP_FLOATS_PER_IMAGE, decodeClipRgb, writeNormalisedChw } from '../../src/core/decode/clip-preprocess.js';
import { embedInBatches } from '../../src/core/embed/embed-in-batches.js';
import type { Embedder } from '../../src/core/embed/embedder.js';
import { OnnxClipEmbedder } from '../../src/core/embed/onnx-clip-embedder.js';
import { PixelsEmbedder } from '../../src/core/embed/pixels-embedder.js';
import { buildClipVisionModel, CLIP_VISION_VARIANTS } from './clip-vision.js';

const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|bmp|tiff?|gif)$/i;

const argsSchema = z.object({
  images: z.string().min(1),
  count: z.string().regex(/^\d+$/).transform(Number).default(2000),
  model: z.string().optional(),
  batch: z.string().regex(/^\d+$/).transform(Number).default(32),
  providers: z.string().optional(),
});

async function listImages(root: string, limit: number): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && IMAGE_EXTENSIONS.test(e.name)).map((e) => join(e.parentPath, e.name));
  return files.sort().slice(0, limit);
}

const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);

/** Process CPU time (all threads: JS, libuv pool, onnxruntime) in ms; steadier than wall time on a busy machine. */
const cpuMs = (since?: NodeJS.CpuUsage): number => {
  const usage = process.cpuUsage(since);
  return (usage.user + usage.system) / 1000;
};
const perImage = (ms: number, count: number): number => Number((ms / count).toFixed(3));

async function timeEmbedder(embedder: Embedder, paths: string[]): Promise<{ imagesPerSecond: number; cpuMsPerImage: number; failed: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const summary = await embedInBatches({ embedder, absPaths: paths, idxs: paths.map((_, i) => i), onBatch: () => undefined, onFailed: () => undefined });
  return { imagesPerSecond: perSecond(paths.length, performance.now() - started), cpuMsPerImage: perImage(cpuMs(cpu), paths.length), failed: summary.failed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { images: { type: 'string' }, count: { type: 'string' }, model: { type: 'string' }, batch: { type: 'string' }, providers: { type: 'string' } },
  });
  const args = argsSchema.parse(values);
  const paths = await listImages(resolve(args.images), args.count);
  if (paths.length === 0) throw new Error(`No images under ${args.images}`);

  // Preprocessing: decode + resize/crop to 224×224 RGB (sharp, 8 in flight), then the CHW float pass alone.
  const rgbs: Uint8Array[] = [];
  let started = performance.now();
  const decodeCpu = process.cpuUsage();
  await mapWithConcurrency(paths, 8, async (path) => {
    rgbs.push(await decodeClipRgb(path));
  });
  const decodeMs = performance.now() - started;
  const decodeCpuMs = cpuMs(decodeCpu);
  const batch = new Float32Array(32 * CLIP_FLOATS_PER_IMAGE);
  started = performance.now();
  rgbs.forEach((rgb, i) => writeNormalisedChw(rgb, batch, (i % 32) * CLIP_FLOATS_PER_IMAGE));
  const normaliseMs = performance.now() - started;

  const pixels = await timeEmbedder(new PixelsEmbedder(), paths);

  let tempDir: string | null = null;
  let modelPath = args.model;
  if (!modelPath) {
    tempDir = await mkdtemp(join(tmpdir(), 'bench-embedding-'));
    modelPath = join(tempDir, 'tiny.onnx');
    await writeFile(modelPath, buildClipVisionModel(CLIP_VISION_VARIANTS.tiny, { precision: 'fp16-weights', seed: 1 }));
  }
  const providers = args.providers?.split(',').map((p) => p.trim());
  const embedder = await OnnxClipEmbedder.load(modelPath, { id: 'bench', name: 'bench', batchSize: args.batch, ...(providers ? { providers } : {}) });
  const model = await timeEmbedder(embedder, paths);
  await embedder.close();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });

  console.log(
    JSON.stringify({
      images: paths.length,
      folder: args.images,
      cores: availableParallelism(),
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
      preprocessImagesPerSecond: perSecond(paths.length, decodeMs + normaliseMs),
      decodeResizeImagesPerSecond: perSecond(paths.length, decodeMs),
      decodeResizeCpuMsPerImage: perImage(decodeCpuMs, paths.length),
      normaliseMsPerImage: Number((normaliseMs / paths.length).toFixed(3)),
      pixelsEmbedderImagesPerSecond: pixels.imagesPerSecond,
      pixelsEmbedderCpuMsPerImage: pixels.cpuMsPerImage,
      model: args.model ?? 'tiny (generated)',
      executionProvider: embedder.info.executionProvider,
      batch: args.batch,
      modelEndToEndImagesPerSecond: model.imagesPerSecond,
      modelEndToEndCpuMsPerImage: model.cpuMsPerImage,
      failed: { pixels: pixels.failed, model: model.failed },
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
