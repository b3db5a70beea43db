/**
 * A model folder's manifest (`<cache>/<id>/manifest.json`): written last, after every file it lists was verified,
 * and replaced atomically. A model counts as installed only through it, so a download or import that stopped half
 * way never looks valid.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { describeIssue } from '../detection/problem-text.js';

export const MANIFEST_FILE = 'manifest.json';

const TensorSchema = z.object({ name: z.string().min(1), dtype: z.enum(['float32', 'float16', 'uint8', 'int64', 'int32']), shape: z.array(z.union([z.number().int(), z.string()])) });

const ManifestFileSchema = z.object({
  path: z.string().min(1),
  role: z.enum(['vision', 'text', 'tokenizer', 'preprocessor', 'config']),
  precision: z.enum(['fp32', 'fp16']).optional(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

const ManifestSchema = z.object({
  format: z.literal(1),
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(['catalogue', 'imported']),
  source: z.union([z.object({ repo: z.string(), revision: z.string() }), z.object({ importedFrom: z.string() })]),
  files: z.array(ManifestFileSchema),
  /** Imported models: the tensors found in the files (catalogue models declare theirs in the catalogue). */
  towers: z
    .object({
      embeddingDim: z.number().int().positive(),
      vision: z.object({ input: TensorSchema, output: TensorSchema }),
      text: z.object({ inputs: z.array(TensorSchema), output: TensorSchema }).optional(),
    })
    .optional(),
  /** What the import found missing, e.g. no tokenizer. */
  notes: z.array(z.string()).default([]),
});
export type ModelManifest = z.infer<typeof ManifestSchema>;

export type ManifestRead = { state: 'missing' } | { state: 'invalid'; problem: string } | { state: 'ok'; manifest: ModelManifest };

export async function readManifest(modelDir: string): Promise<ManifestRead> {
  const file = join(modelDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { state: 'missing' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { state: 'invalid', problem: `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = ManifestSchema.safeParse(json);
  return parsed.success ? { state: 'ok', manifest: parsed.data } : { state: 'invalid', problem: `${file}: ${describeIssue(parsed.error)}` };
}

/** Writes beside the target and renames over it: readers see the old manifest or the new one, never half of one. */
export async function writeManifest(modelDir: string, manifest: ModelManifest): Promise<void> {
  const target = join(modelDir, MANIFEST_FILE);
  const temporary = `${target}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The manifest's files that are on disk at their listed size (a cheap check; hashes were verified on install). */
export async function presentFiles(modelDir: string, manifest: ModelManifest): Promise<Set<string>> {
  const present = new Set<string>();
  await Promise.all(
    manifest.files.map(async (file) => {
      const info = await stat(join(modelDir, ...file.path.split('/'))).catch(() => null);
      if (info?.isFile() && info.size === file.bytes) present.add(file.path);
    }),
  );
  return present;
}
