/**
 * Model-only throughput of a CLIP vision tower per batch size on one execution provider: the figures behind
 * `defaultBatchSize` in src/core/embed/providers.ts.
 *
 *   npx tsx scripts/onnx/bench-batch-sizes.ts [--model PATH.onnx] [--provider cpu] [--sizes 1,8,16,32,64] [--images 64] [--rounds 2]
 *
 * Without --model it builds the full-size ViT-B/32 (random weights, fp32) in a temp folder. Each size runs one
 * warm-up batch, then at least `--images` images per round; rounds interleave the sizes so that a change of load
 * on a shared machine hits them all, and the best round counts. Prints one JSON line with images/s and CPU ms per
 * image for each batch size, and the 1-minute load before and after.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CLIP_FLOATS_PER_IMAGE } from '../../src/core/decode/clip-preprocess.js';
import { loadClipSession, runClipSession } from '../../src/core/embed/clip-session.js';
import { buildClipVisionModel, CLIP_VISION_VARIANTS } from './clip-vision.js';

const argsSchema = z.object({
  model: z.string().optional(),
  provider: z.string().default('cpu'),
  sizes: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'a comma-separated list of batch sizes')
    .default('1,8,16,32,64')
    .transform((s) => s.split(',').map(Number)),
  images: z.string().regex(/^\d+$/).transform(Number).default(64),
  rounds: z.string().regex(/^[1-9]\d*$/).transform(Number).default(2),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, provider: { type: 'string' }, sizes: { type: 'string' }, images: { type: 'string' }, rounds: { type: 'string' } } });
  const args = argsSchema.parse(values);
  const tempDir = args.model ? null : await mkdtemp(join(tmpdir(), 'bench-batch-'));
  try {
    const modelPath = args.model ?? join(tempDir as string, 'vit-b32.onnx');
    if (!args.model) await writeFile(modelPath, buildClipVisionModel(CLIP_VISION_VARIANTS['vit-b32'], { precision: 'fp32', seed: 1 }));
    const { session, info } = await loadClipSession(modelPath, [args.provider]);
    const imagesPerSecond: Record<string, number> = {};
    // CPU time per image (all threads) moves far less than wall time when other processes share the cores.
    const cpuMsPerImage: Record<string, number> = {};
    const loadBefore = loadavg()[0] as number;
    try {
      const batches = new Map(args.sizes.map((size) => [size, new Float32Array(size * CLIP_FLOATS_PER_IMAGE)]));
      for (const [size, batch] of batches) {
        for (let i = 0; i < batch.length; i++) batch[i] = ((i * 7919) % 255) / 127.5 - 1; // a fixed, image-like range
        await runClipSession(session, batch, size); // warm-up: allocations for this shape
      }
      for (let round = 0; round < args.rounds; round++) {
        for (const [size, batch] of batches) {
          const runs = Math.max(1, Math.ceil(args.images / size));
          const started = performance.now();
          const cpu = process.cpuUsage();
          for (let r = 0; r < runs; r++) await runClipSession(session, batch, size);
          const rate = Number(((runs * size * 1000) / (performance.now() - started)).toFixed(1));
          const used = process.cpuUsage(cpu);
          const cpuMs = Number(((used.user + used.system) / 1000 / (runs * size)).toFixed(1));
          imagesPerSecond[size] = Math.max(imagesPerSecond[size] ?? 0, rate);
          cpuMsPerImage[size] = Math.min(cpuMsPerImage[size] ?? Infinity, cpuMs);
        }
      }
    } finally {
      await session.release();
    }
    console.log(JSON.stringify({ model: args.model ?? 'vit-b32 fp32 (generated)', provider: info.provider, imagesPerSecond, cpuMsPerImage, load1m: [loadBefore, loadavg()[0]] }));
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
