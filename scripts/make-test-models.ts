/**
 * Writes CLIP towers with seeded random weights as ONNX, one file or a whole Hugging Face-style model folder.
 *
 *   npx tsx scripts/make-test-models.ts --variant tiny|vit-b32 [--tower vision|text] [--fp16 | --precision P] [--seed N] --out FILE.onnx
 *   npx tsx scripts/make-test-models.ts --layout hf [--variant tiny|vit-b32] [--precision P] [--fp16] [--seed N] --out DIR
 *
 * `tiny` defaults to fp16-weights (float16 storage, float32 compute) so each tower stays under 1 MB; `vit-b32`
 * defaults to fp32 (vision ~350 MB, text ~250 MB). For one file, `--fp16` makes the whole graph compute in float16
 * (float32 input and outputs); with `--layout hf` it adds onnx/*_fp16.onnx towers beside the default ones.
 * `--layout hf` writes onnx/vision_model.onnx, onnx/text_model.onnx, merges.txt, preprocessor_config.json and
 * config.json: write it to `<modelCacheDir>/clip-vit-b32/` for the app to pick it up as 'clip-vit-b32'. The
 * weights are random: good for tests and throughput, meaningless as embeddings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeClipModelFolder } from './onnx/clip-folder.js';
import { buildClipTextModel, CLIP_TEXT_VARIANTS, clipTextParameterCount } from './onnx/clip-text.js';
import { buildClipVisionModel, CLIP_VISION_VARIANTS, clipParameterCount } from './onnx/clip-vision.js';
import { parseMakeModelsArgs } from './onnx/make-models-args.js';

async function main(argv: string[]): Promise<void> {
  const args = parseMakeModelsArgs(argv);
  const started = performance.now();
  const outPath = resolve(args.outPath);
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
  if (args.layout === 'hf') {
    const files = await writeClipModelFolder(outPath, { variant: args.variant, precision: args.precision, fp16: args.fp16, seed: args.seed });
    console.log(`Wrote ${outPath}: ${args.variant}, ${args.precision}${args.fp16 ? ' + fp16' : ''}: ${files.join(', ')} in ${seconds()} s`);
    return;
  }
  const options = { precision: args.precision, seed: args.seed };
  const [bytes, parameters] =
    args.tower === 'text'
      ? [buildClipTextModel(CLIP_TEXT_VARIANTS[args.variant], options), clipTextParameterCount(CLIP_TEXT_VARIANTS[args.variant])]
      : [buildClipVisionModel(CLIP_VISION_VARIANTS[args.variant], options), clipParameterCount(CLIP_VISION_VARIANTS[args.variant])];
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, bytes);
  const params = (parameters / 1e6).toFixed(2);
  console.log(`Wrote ${outPath}: ${args.variant} ${args.tower}, ${args.precision}, ${params}M parameters, ${(bytes.length / 1e6).toFixed(2)} MB in ${seconds()} s`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
