/**
 * Embedding pipeline benchmark: decode + CLIP preprocessing through the real process pool, the model alone, and
 * the whole pipeline (OnnxClipEmbedder through embedInBatches), beside the PIL peer run on the same images in the
 * same run (../shared/bench/peer_decode_pil.py). Prints one JSON line.
 *
 *   npm run bench:embed -- --make-images N DIR [--seed S]
 *   npm run bench:embed -- --images DIR [--model PATH | --variant tiny|vit-b32 [--precision fp32|fp16-weights|fp16]
 *       [--uint8-input]] [--rgb-rewrite] [--provider cpu|webgpu|cuda|...] [--batch N] [--procs N] [--reps N] [--no-peer]
 *       [--peer-python PATH] [--peer-script PATH]
 *
 * Without --model it generates the model (cached under .cache/bench/models): `tiny` (default) is fast, `vit-b32`
 * has ViT-B/32's real compute (random weights); --uint8-input makes it take RGB bytes and normalise in the graph.
 * --rgb-rewrite runs a float-input model as the app does, from its RGB-input rewrite (src/core/onnx), made once and
 * cached under .cache/bench/rgb-input (`rgb_rewrite_seconds`: 0 when cached, else the rewrite and its CPU check).
 * `inference_images_per_s` is the model alone on a ready input tensor; `inference_from_rgb_images_per_s` starts
 * from RGB bytes, as the pipeline does (the normalisation runs in JS before a float model, in the graph otherwise). Decode figures are the best of --reps (default 2) runs, each
 * interleaved with a peer run, so that both see the same load; the 1-minute load average is printed too.
 * --peer-python and --peer-script point at the peer elsewhere (the GPU machine's python3 is not Debian's, and
 * ../shared does not travel there: bench/embed/device/ carries a copy).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CLIP_FLOATS_PER_IMAGE, writeNormalisedChw } from '../../src/core/decode/clip-preprocess.js';
import { DecodePool, defaultDecodeProcesses } from '../../src/core/decode/decode-pool.js';
import type { DecodedPixelFormat } from '../../src/core/decode/decode-pool-protocol.js';
import { loadClipSession, runClipBatch, takesRgbBytes } from '../../src/core/embed/clip-session.js';
import { embedInBatches } from '../../src/core/embed/embed-in-batches.js';
import { OnnxClipEmbedder } from '../../src/core/embed/onnx-clip-embedder.js';
import { rgbInputModelFor } from '../../src/core/embed/rgb-input-model.js';
import { buildClipVisionModel, CLIP_VISION_VARIANTS } from '../../scripts/onnx/clip-vision.js';
import { makeBenchImages } from './make-images.js';

const PYTHON = '/usr/bin/python3';
const PEER_SCRIPT_CANDIDATES = ['../shared/bench/peer_decode_pil.py', 'shared/bench/peer_decode_pil.py'];
const MODEL_CACHE = '.cache/bench/models';
/** --rgb-rewrite's copies (made once per model; delete the folder to time the rewrite again). */
const RGB_INPUT_CACHE = '.cache/bench/rgb-input';
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp)$/i;
/** Images per pool message in the decode figure: what OnnxClipEmbedder sends for a batch spread over the pool. */
const DECODE_CHUNK_IMAGES = 8;
/** Seconds of model-alone runs measured (after one warm-up batch): enough for a steady figure on any provider. */
const INFERENCE_SECONDS = 8;

const positiveInt = z.coerce.number().int().positive();
const argsSchema = z
  .object({
    'make-images': positiveInt.optional(),
    seed: z.coerce.number().int().nonnegative().default(1),
    images: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    variant: z.enum(['tiny', 'vit-b32']).default('tiny'),
    precision: z.enum(['fp32', 'fp16-weights', 'fp16']).optional(),
    provider: z.string().min(1).default('cpu'),
    batch: positiveInt.default(32),
    procs: positiveInt.default(defaultDecodeProcesses()),
    reps: positiveInt.default(2),
    'no-peer': z.boolean().default(false),
    'uint8-input': z.boolean().default(false),
    'rgb-rewrite': z.boolean().default(false),
    'peer-python': z.string().min(1).default(PYTHON),
    'peer-script': z.string().min(1).optional(),
  })
  .refine((a) => a['make-images'] !== undefined || a.images !== undefined, { message: 'give --images DIR or --make-images N DIR' });

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'make-images': { type: 'string' }, seed: { type: 'string' }, images: { type: 'string' }, model: { type: 'string' },
      variant: { type: 'string' }, precision: { type: 'string' }, provider: { type: 'string' }, batch: { type: 'string' },
      procs: { type: 'string' }, reps: { type: 'string' }, 'no-peer': { type: 'boolean' }, 'uint8-input': { type: 'boolean' },
      'rgb-rewrite': { type: 'boolean' }, 'peer-python': { type: 'string' }, 'peer-script': { type: 'string' },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(`Bad arguments: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const args = parsed.data;

  if (args['make-images'] !== undefined) {
    const dir = positionals[0];
    if (!dir) throw new Error('--make-images N DIR: DIR is missing');
    const started = performance.now();
    const { paths, totalBytes } = await makeBenchImages(dir, args['make-images'], args.seed);
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ wrote: paths.length, dir: resolve(dir), mean_kb: Math.round(totalBytes / paths.length / 1024), seconds: +seconds.toFixed(1) }));
    return;
  }

  const imagesDir = resolve(args.images as string);
  const paths = (await readdir(imagesDir)).filter((name) => IMAGE_EXTENSIONS.test(name)).sort().map((name) => join(imagesDir, name));
  if (paths.length === 0) throw new Error(`No JPEG, PNG or WebP images in ${imagesDir}`);
  const generated = await ensureModel(args);
  let { modelPath, modelLabel } = generated;
  let rewriteSeconds: number | null = null;
  if (args['rgb-rewrite']) {
    // What the app does on load (resolve-embedder.ts): a float-input model runs from its RGB-input copy.
    const started = performance.now();
    const loaded = await rgbInputModelFor(modelPath, { cacheDir: RGB_INPUT_CACHE, inputName: 'pixel_values', outputName: 'image_embeds' });
    rewriteSeconds = (performance.now() - started) / 1000;
    if (!loaded.rewritten) throw new Error(`--rgb-rewrite: ${loaded.reason ?? 'not rewritten'}`);
    modelPath = loaded.path;
    modelLabel = `${modelLabel}, rewritten to uint8 input on load`;
  }
  const loadBefore = loadavg()[0] as number;

  const decodeRgb: number[] = [];
  const decodeFloat: number[] = [];
  const peer: number[] = [];
  let peerNote: string | null = null;
  for (let rep = 0; rep < args.reps; rep++) {
    decodeRgb.push(await poolDecodeRate(paths, args.procs, 'rgb-u8'));
    decodeFloat.push(await poolDecodeRate(paths, args.procs, 'clip-f32'));
    if (!args['no-peer']) {
      const result = runPeer(imagesDir, args['peer-python'], args['peer-script']);
      if (typeof result === 'number') peer.push(result);
      else peerNote = result;
    }
  }
  const normaliseMs = normaliseMsPerImage();
  const inference = await inferenceRate(modelPath, args.provider, args.batch);
  const endToEnd = await endToEndRate(paths, modelPath, args.provider, args.batch, args.procs);

  const best = (rates: number[]): number | null => (rates.length > 0 ? Math.max(...rates) : null);
  const decode = best(decodeRgb) as number;
  const decodeToFloat = best(decodeFloat) as number;
  const peerRate = best(peer);
  console.log(
    JSON.stringify({
      decode_images_per_s: round(decode),
      decode_to_float_images_per_s: round(decodeToFloat),
      normalise_ms_per_image: +normaliseMs.toFixed(3),
      inference_images_per_s: round(inference.rate),
      inference_from_rgb_images_per_s: round(inference.fromRgbRate),
      end_to_end_images_per_s: round(endToEnd.rate),
      peer_decode_images_per_s: peerRate,
      ratio_decode_vs_peer: peerRate ? +(decode / peerRate).toFixed(2) : null,
      ratio_decode_to_float_vs_peer: peerRate ? +(decodeToFloat / peerRate).toFixed(2) : null,
      provider: inference.provider,
      batch_size: args.batch,
      images: paths.length,
      decode_procs: args.procs,
      model: modelLabel,
      ...(rewriteSeconds !== null ? { rgb_rewrite_seconds: +rewriteSeconds.toFixed(2) } : {}),
      cores: availableParallelism(),
      load_1m_before: +loadBefore.toFixed(2),
      load_1m_after: +(loadavg()[0] as number).toFixed(2),
      ...(peerNote ? { peer_note: peerNote } : {}),
    }),
  );
}

/**
 * Images/s of decode + preprocessing through DecodePool, processes started and warm beforehand (a long run
 * amortises their start; the pipeline figure below includes it). `rgb-u8` is what the pipeline ships;
 * `clip-f32` has the children also write normalised float CHW, as the PIL peer does.
 */
async function poolDecodeRate(paths: readonly string[], procs: number, format: DecodedPixelFormat): Promise<number> {
  const pool = new DecodePool({ maxProcesses: procs });
  try {
    const chunks = (list: readonly string[]): Promise<unknown[]> => {
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < list.length; i += DECODE_CHUNK_IMAGES) pending.push(pool.decode(list.slice(i, i + DECODE_CHUNK_IMAGES), format));
      return Promise.all(pending);
    };
    await chunks(paths.slice(0, procs * DECODE_CHUNK_IMAGES * 2));
    const started = performance.now();
    await chunks(paths);
    return paths.length / ((performance.now() - started) / 1000);
  } finally {
    await pool.close();
  }
}

/** The PIL peer's images/s, or why it did not run. */
function runPeer(imagesDir: string, python: string, scriptPath: string | undefined): number | string {
  const candidates = scriptPath ? [scriptPath] : PEER_SCRIPT_CANDIDATES;
  const script = candidates.find((candidate) => existsSync(candidate));
  if (!script) return `peer script not found (looked for ${candidates.join(', ')})`;
  const run = spawnSync(python, [script, imagesDir], { encoding: 'utf8' });
  if (run.error) return `peer could not start ${python}: ${run.error.message}`;
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  const parsed = z.object({ images_per_s: z.number() }).safeParse(safeJson(line));
  if (run.status !== 0 || !parsed.success) return `peer failed (exit ${run.status}): ${(run.stderr || line).trim().slice(-300)}`;
  return parsed.data.images_per_s;
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** Milliseconds to normalise one image's RGB bytes to float CHW: the inference thread's share of preprocessing. */
function normaliseMsPerImage(): number {
  const rgb = new Uint8Array(CLIP_FLOATS_PER_IMAGE).map((_, i) => (i * 7) & 255);
  const out = new Float32Array(CLIP_FLOATS_PER_IMAGE);
  for (let i = 0; i < 50; i++) writeNormalisedChw(rgb, out, 0);
  const rounds = 400;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) writeNormalisedChw(rgb, out, 0);
  return (performance.now() - started) / rounds;
}

/**
 * Images/s of the model on the calling thread: alone on a ready input tensor (normalised floats, or bytes for a
 * model that takes bytes), and from RGB bytes with the normalisation the inference worker does per batch.
 */
async function inferenceRate(modelPath: string, provider: string, batch: number): Promise<{ rate: number; fromRgbRate: number; provider: string }> {
  const { session, info } = await loadClipSession(modelPath, [provider]);
  try {
    const rgb = new Uint8Array(batch * CLIP_FLOATS_PER_IMAGE).map((_, i) => (i * 31) & 255);
    const ready = takesRgbBytes(session) ? rgb : new Float32Array(batch * CLIP_FLOATS_PER_IMAGE).map((_, i) => Math.sin(i) * 1.5);
    const timed = async (input: Uint8Array | Float32Array): Promise<number> => {
      let scratch: Float32Array | null = null;
      ({ scratch } = await runClipBatch(session, input, batch, scratch));
      let images = 0;
      const started = performance.now();
      while (performance.now() - started < INFERENCE_SECONDS * 1000) {
        ({ scratch } = await runClipBatch(session, input, batch, scratch));
        images += batch;
      }
      return images / ((performance.now() - started) / 1000);
    };
    return { rate: await timed(ready), fromRgbRate: await timed(rgb), provider: info.provider };
  } finally {
    await session.release();
  }
}

/**
 * Images/s of the whole pipeline, steady state: model load and the decode processes' start (paid once per run,
 * about a second under tsx) are excluded by embedding one batch per process first.
 */
async function endToEndRate(paths: readonly string[], modelPath: string, provider: string, batch: number, procs: number): Promise<{ rate: number }> {
  const embedder = await OnnxClipEmbedder.load(modelPath, { id: 'bench', name: 'bench', providers: [provider], batchSize: batch, decodeProcesses: procs });
  try {
    const warmUp = paths.slice(0, Math.min(paths.length, batch));
    await Promise.all(Array.from({ length: procs }, () => embedder.embedFiles(warmUp)));
    const started = performance.now();
    const summary = await embedInBatches({
      embedder,
      absPaths: paths,
      idxs: Uint32Array.from(paths, (_, i) => i),
      onBatch: () => undefined,
      onFailed: (_, reason) => {
        throw new Error(`Benchmark image failed: ${reason}`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    return { rate: summary.embedded / seconds };
  } finally {
    await embedder.close();
  }
}

async function ensureModel(args: z.infer<typeof argsSchema>): Promise<{ modelPath: string; modelLabel: string }> {
  if (args.model) return { modelPath: resolve(args.model), modelLabel: resolve(args.model) };
  const precision = args.precision ?? (args.variant === 'tiny' ? 'fp16-weights' : 'fp32');
  const uint8Input = args['uint8-input'];
  const modelPath = resolve(MODEL_CACHE, `${args.variant}-${precision}${uint8Input ? '-uint8-input' : ''}.onnx`);
  if (!existsSync(modelPath)) {
    await mkdir(MODEL_CACHE, { recursive: true });
    await writeFile(modelPath, buildClipVisionModel(CLIP_VISION_VARIANTS[args.variant], { precision, seed: 1, uint8Input }));
  }
  return { modelPath, modelLabel: `generated ${args.variant} (${precision}${uint8Input ? ', uint8 input' : ''}, random weights)` };
}

const round = (value: number): number => +value.toFixed(1);

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
