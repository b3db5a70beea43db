/** Command-line arguments of scripts/make-test-models.ts, checked with a schema. */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ClipPrecision, ClipVisionVariant } from './clip-vision.js';

export const MAKE_MODELS_USAGE = `Usage: make-test-models.ts --variant tiny|vit-b32 [--tower vision|text] [--fp16 | --precision fp32|fp16-weights|fp16] [--seed N] --out FILE.onnx
       make-test-models.ts --layout hf [--variant tiny|vit-b32] [--precision fp32|fp16-weights|fp16] [--fp16] [--seed N] --out DIR`;

const argsSchema = z
  .object({
    layout: z.enum(['file', 'hf']).default('file'),
    tower: z.enum(['vision', 'text']).optional(),
    variant: z.enum(['tiny', 'vit-b32']).optional(),
    out: z.string().min(1),
    fp16: z.boolean().optional(),
    precision: z.enum(['fp32', 'fp16-weights', 'fp16']).optional(),
    seed: z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number).optional(),
  })
  .refine((a) => a.layout === 'hf' || !(a.fp16 && a.precision !== undefined && a.precision !== 'fp16'), { message: '--fp16 contradicts --precision' })
  .refine((a) => a.layout === 'file' || a.tower === undefined, { message: '--tower applies to --layout file only (hf writes both towers)' })
  .refine((a) => a.layout === 'hf' || a.variant !== undefined, { message: 'needs --variant tiny|vit-b32', path: ['variant'] });

interface CommonArgs {
  variant: ClipVisionVariant;
  /** The precision of the (main) model files. */
  precision: ClipPrecision;
  seed: number;
  outPath: string;
}

/** One .onnx file: one tower. */
export interface SingleFileArgs extends CommonArgs {
  layout: 'file';
  tower: 'vision' | 'text';
}

/** A Hugging Face-style folder with both towers, tokenizer and configs; `fp16` adds the *_fp16.onnx towers. */
export interface FolderArgs extends CommonArgs {
  layout: 'hf';
  fp16: boolean;
}

export type MakeModelsArgs = SingleFileArgs | FolderArgs;

/**
 * `tiny` defaults to fp16-weights (float16 storage, float32 compute) so the file stays under 1 MB; `vit-b32`
 * (the folder's default variant) defaults to fp32. For one file, `--fp16` makes the whole graph compute in float16; for a folder it adds float16
 * towers beside the default ones. Throws with the usage on bad arguments.
 */
export function parseMakeModelsArgs(argv: string[]): MakeModelsArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        layout: { type: 'string' },
        tower: { type: 'string' },
        variant: { type: 'string' },
        out: { type: 'string' },
        fp16: { type: 'boolean' },
        precision: { type: 'string' },
        seed: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${MAKE_MODELS_USAGE}`, { cause: error });
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  --${i.path.join('.') || '(args)'}: ${i.message}`).join('\n');
    throw new Error(`Bad arguments:\n${problems}\n${MAKE_MODELS_USAGE}`);
  }
  const args = parsed.data;
  // A folder is the real model's layout, so it defaults to the real model's size.
  const variant: ClipVisionVariant = args.variant ?? 'vit-b32';
  const defaultPrecision: ClipPrecision = variant === 'tiny' ? 'fp16-weights' : 'fp32';
  const common = { variant, seed: args.seed ?? 1, outPath: args.out };
  if (args.layout === 'hf') return { layout: 'hf', ...common, precision: args.precision ?? defaultPrecision, fp16: args.fp16 ?? false };
  return { layout: 'file', tower: args.tower ?? 'vision', ...common, precision: args.fp16 ? 'fp16' : (args.precision ?? defaultPrecision) };
}
