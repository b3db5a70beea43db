/**
 * Writes a CLIP ViT vision tower with seeded random weights as an ONNX file.
 *
 *   npx tsx scripts/make-test-models.ts --variant tiny|vit-b32 [--fp16 | --precision fp32|fp16-weights|fp16] [--seed N] --out PATH
 *
 * `tiny` defaults to fp16-weights (float16 storage, float32 compute) so the file stays under 1 MB; `vit-b32`
 * defaults to fp32 (~350 MB). `--fp16` makes the whole graph compute in float16 (float32 input and outputs).
 * To make the app pick the model up as 'clip-vit-b32', write it to
 * `<modelCacheDir>/clip-vit-b32/onnx/vision_model.onnx` (the Hugging Face optimum layout). The weights are random:
 * good for tests and throughput, meaningless as embeddings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildClipVisionModel, CLIP_VISION_VARIANTS, clipParameterCount } from './onnx/clip-vision.js';
import { parseMakeModelsArgs } from './onnx/make-models-args.js';

function main(argv: string[]): void {
  const args = parseMakeModelsArgs(argv);
  const config = CLIP_VISION_VARIANTS[args.variant];
  const started = performance.now();
  const bytes = buildClipVisionModel(config, { precision: args.precision, seed: args.seed });
  const outPath = resolve(args.outPath);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, bytes);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const params = (clipParameterCount(config) / 1e6).toFixed(2);
  console.log(`Wrote ${outPath}: ${args.variant}, ${args.precision}, ${params}M parameters, ${(bytes.length / 1e6).toFixed(2)} MB in ${seconds} s`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
