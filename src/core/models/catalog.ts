/**
 * The model catalogue (`resources/models/catalog.json`): which CLIP models can be downloaded, from which Hugging
 * Face repo and revision, their files, the tensor names and dtypes of each tower, and their preprocessing. Other
 * exporters name tensors differently (open_clip: `image` -> `embedding`), so nothing downstream assumes optimum's.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ModelPrecision } from '../../shared/model/models.js';
import { describeIssue } from '../detection/problem-text.js';

const DimSchema = z.union([z.number().int().positive(), z.string().min(1)]);
const TensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'float16', 'uint8', 'int64', 'int32']),
  /** Numbers are fixed sizes; strings name dynamic axes ('batch'). */
  shape: z.array(DimSchema).min(1),
});
export type TensorSpec = z.infer<typeof TensorSpecSchema>;

const PrecisionSchema = z.enum(['fp32', 'fp16']);

const ModelFileSchema = z.object({
  /** Relative to the repo root with '/' separators; also the path inside the cache folder. */
  path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\\'), { error: 'must be a relative path with / separators and no ..' }),
  role: z.enum(['vision', 'text', 'tokenizer', 'preprocessor', 'config']),
  /** Only the towers come in several precisions; the other files serve every precision. */
  precision: PrecisionSchema.optional(),
  /** As the repository's file listing shows it, rounded: for showing sizes before a download. The server's size is what counts. */
  approxBytes: z.number().int().positive(),
  /**
   * The file's sha256, for servers (mirrors, proxies) that send no checksum: a download is verified against it as
   * well as against the server's. Copied from the repository's file listing, never computed from a download.
   */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lower-case hex digits' })
    .optional(),
});
export type CatalogFile = z.infer<typeof ModelFileSchema>;

const PreprocessSchema = z.object({
  imageSizePx: z.number().int().positive(),
  resize: z.enum(['shortest-side']),
  crop: z.enum(['center']),
  interpolation: z.enum(['bicubic', 'bilinear']),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
});
export type PreprocessSpec = z.infer<typeof PreprocessSchema>;

const VisionSchema = z.object({ input: TensorSpecSchema, output: TensorSpecSchema, otherOutputs: z.array(z.string()).default([]) });
const TextSchema = z.object({ inputs: z.array(TensorSpecSchema).min(1), output: TensorSpecSchema, otherOutputs: z.array(z.string()).default([]) });
export type VisionTowerSpec = z.infer<typeof VisionSchema>;
export type TextTowerSpec = z.infer<typeof TextSchema>;

const CatalogEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes' }),
    name: z.string().min(1),
    source: z.object({ repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'must be owner/name' }), revision: z.string().min(1) }),
    embeddingDim: z.number().int().positive(),
    contextLength: z.number().int().positive(),
    preprocess: PreprocessSchema,
    vision: VisionSchema,
    text: TextSchema,
    files: z.array(ModelFileSchema).min(1),
  })
  .superRefine((entry, ctx) => {
    const paths = new Set<string>();
    entry.files.forEach((file, index) => {
      if (paths.has(file.path)) ctx.addIssue({ code: 'custom', path: ['files', index, 'path'], message: `lists ${file.path} twice` });
      paths.add(file.path);
      const tower = file.role === 'vision' || file.role === 'text';
      if (tower !== (file.precision !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['files', index, 'precision'], message: tower ? 'is required for a vision or text tower' : 'is only for vision and text towers' });
      }
    });
    for (const precision of PrecisionSchema.options) {
      const has = (role: string): boolean => entry.files.some((f) => f.role === role && f.precision === precision);
      if (has('vision') !== has('text')) ctx.addIssue({ code: 'custom', path: ['files'], message: `must give both towers in ${precision}, or neither` });
    }
    if (!entry.files.some((f) => f.role === 'vision')) ctx.addIssue({ code: 'custom', path: ['files'], message: 'has no vision tower' });
    const last = entry.vision.output.shape.at(-1);
    if (typeof last === 'number' && last !== entry.embeddingDim) {
      ctx.addIssue({ code: 'custom', path: ['vision', 'output', 'shape'], message: `ends in ${last}, but embeddingDim is ${entry.embeddingDim}` });
    }
  });
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

const CatalogSchema = z
  .object({ format: z.literal(1), models: z.array(CatalogEntrySchema).min(1) })
  .superRefine((catalog, ctx) => {
    const ids = new Set<string>();
    catalog.models.forEach((model, index) => {
      if (ids.has(model.id)) ctx.addIssue({ code: 'custom', path: ['models', index, 'id'], message: `repeats ${model.id}` });
      ids.add(model.id);
    });
  });
export type Catalog = z.infer<typeof CatalogSchema>;

/** Parses the catalogue's text; errors name `file` and the field at fault. */
export function parseCatalog(text: string, file: string): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = CatalogSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

export async function loadCatalog(file: string): Promise<Catalog> {
  return parseCatalog(await readFile(file, 'utf8'), file);
}

/** Precisions the catalogue offers for a model (those with a vision tower). */
export function catalogPrecisions(entry: CatalogEntry): ModelPrecision[] {
  return PrecisionSchema.options.filter((p) => entry.files.some((f) => f.role === 'vision' && f.precision === p));
}

/** The files one precision needs: its towers plus the shared tokenizer, preprocessor and config files. */
export function filesForPrecision(entry: CatalogEntry, precision: ModelPrecision): CatalogFile[] {
  return entry.files.filter((f) => f.precision === undefined || f.precision === precision);
}

export function visionFileFor(entry: CatalogEntry, precision: ModelPrecision): CatalogFile | undefined {
  return entry.files.find((f) => f.role === 'vision' && f.precision === precision);
}
