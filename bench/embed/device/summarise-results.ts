/**
 * Sets the GPU run's figures beside issue 5's goal: the best end-to-end images/s of `bench:embed` on the
 * requested provider, and its ratio to the PyTorch + PIL + DataLoader peer measured in the same call.
 *
 *   npx tsx bench/embed/device/summarise-results.ts RESULTS.jsonl [--provider webgpu]
 *
 * Prints one JSON line. Lines that are not JSON, or JSON of another kind, are skipped; a file with no bench line
 * for the provider is an error naming the file.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Issue 5, part 7: end to end on the GPU machine, and against the PyTorch pipeline of the same call. */
export const GPU_GOAL_IMAGES_PER_S = 1200;
export const GPU_GOAL_RATIO_VS_TORCH = 1.8;

const benchLineSchema = z.object({
  end_to_end_images_per_s: z.number(),
  inference_images_per_s: z.number(),
  decode_images_per_s: z.number(),
  provider: z.string(),
  batch_size: z.number(),
  images: z.number(),
  decode_procs: z.number(),
  model: z.string(),
});
const torchLineSchema = z.object({ peer: z.literal('pytorch+pil+dataloader'), end_to_end_images_per_s: z.number(), gpu: z.string().optional() });

export interface GpuRunSummary {
  summary: 'gpu-goal';
  provider: string;
  best_end_to_end_images_per_s: number;
  best_batch_size: number;
  best_model: string;
  images: number;
  decode_procs: number;
  runs: number;
  torch_end_to_end_images_per_s: number | null;
  ratio_vs_torch: number | null;
  gpu: string | null;
  meets_images_per_s_goal: boolean;
  meets_ratio_goal: boolean | null;
}

/** The summary of one call's JSON lines (bench lines of other providers are ignored). */
export function summariseGpuRun(lines: readonly string[], provider: string, source: string): GpuRunSummary {
  const bench: z.infer<typeof benchLineSchema>[] = [];
  let torch: z.infer<typeof torchLineSchema> | null = null;
  for (const line of lines) {
    const json = parseJson(line);
    const benchLine = benchLineSchema.safeParse(json);
    if (benchLine.success && benchLine.data.provider === provider) bench.push(benchLine.data);
    const torchLine = torchLineSchema.safeParse(json);
    // The peer's best run: the ratio is then the conservative one.
    if (torchLine.success && (torch === null || torchLine.data.end_to_end_images_per_s > torch.end_to_end_images_per_s)) torch = torchLine.data;
  }
  const best = bench.reduce<z.infer<typeof benchLineSchema> | null>((a, b) => (a === null || b.end_to_end_images_per_s > a.end_to_end_images_per_s ? b : a), null);
  if (!best) throw new Error(`${source}: no bench:embed line ran on the ${provider} provider`);
  const ratio = torch ? +(best.end_to_end_images_per_s / torch.end_to_end_images_per_s).toFixed(2) : null;
  return {
    summary: 'gpu-goal',
    provider,
    best_end_to_end_images_per_s: best.end_to_end_images_per_s,
    best_batch_size: best.batch_size,
    best_model: best.model,
    images: best.images,
    decode_procs: best.decode_procs,
    runs: bench.length,
    torch_end_to_end_images_per_s: torch?.end_to_end_images_per_s ?? null,
    ratio_vs_torch: ratio,
    gpu: torch?.gpu ?? null,
    meets_images_per_s_goal: best.end_to_end_images_per_s >= GPU_GOAL_IMAGES_PER_S,
    meets_ratio_goal: ratio === null ? null : ratio >= GPU_GOAL_RATIO_VS_TORCH,
  };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { provider: { type: 'string', default: 'webgpu' } } });
  const [path] = positionals;
  if (!path) throw new Error('Usage: summarise-results.ts RESULTS.jsonl [--provider webgpu]');
  const lines = readFileSync(path, 'utf8').split('\n');
  console.log(JSON.stringify(summariseGpuRun(lines, values.provider, path)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
