/** Command-line arguments of scripts/make-test-models.ts, checked with a schema. */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ClipPrecision, ClipVisionVariant } from './clip-vision.js';

export const MAKE_MODELS_USAGE = 'Usage: make-test-models.ts --variant tiny|vit-b32 [--fp16 | --precision fp32|fp16-weights|fp16] [--seed N] --out PATH';

const argsSchema = z
  .object({
    variant: z.enum(['tiny', 'vit-b32']),
    out: z.string().min(1),
    fp16: z.boolean().optional(),
    precision: z.enum(['fp32', 'fp16-weights', 'fp16']).optional(),
    seed: z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number).optional(),
  })
  .refine((a) => !(a.fp16 && a.precision !== undefined && a.precision !== 'fp16'), { message: '--fp16 contradicts --precision' });

export interface MakeModelsArgs {
  variant: ClipVisionVariant;
  precision: ClipPrecision;
  seed: number;
  outPath: string;
}

/**
 * `tiny` defaults to fp16-weights (float16 storage, float32 compute) so the file stays under 1 MB; `vit-b32`
 * defaults to fp32. `--fp16` makes the whole graph compute in float16. Throws with the usage on bad arguments.
 */
export function parseMakeModelsArgs(argv: string[]): MakeModelsArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { variant: { type: 'string' }, out: { type: 'string' }, fp16: { type: 'boolean' }, precision: { type: 'string' }, seed: { type: 'string' } },
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
  const precision: ClipPrecision = args.fp16 ? 'fp16' : (args.precision ?? (args.variant === 'tiny' ? 'fp16-weights' : 'fp32'));
  return { variant: args.variant, precision, seed: args.seed ?? 1, outPath: args.out };
}
