/** Plain data about embedding models: the catalogue, what is installed, and imports. Shared by engine and UI. */

export type ModelPrecision = 'fp32' | 'fp16';
export const MODEL_PRECISIONS: readonly ModelPrecision[] = ['fp32', 'fp16'];

/** The `datasetId` of model download jobs: they belong to no dataset. */
export const MODEL_JOBS_SCOPE = 'models';

export type ModelFileRole = 'vision' | 'text' | 'tokenizer' | 'preprocessor' | 'config';

export interface ModelListEntry {
  /** Catalogue id ('clip-vit-b32') or an imported model's id ('local-<sha256 prefix>'). */
  id: string;
  name: string;
  kind: 'catalogue' | 'imported';
  /** Catalogue models: the Hugging Face repo and revision the files come from. */
  source: { repo: string; revision: string } | { importedFrom: string };
  /** Precisions whose files are all present and verified (listed in the model's manifest). */
  installed: ModelPrecision[];
  /** Precisions offered: for the catalogue, what can be downloaded; for an import, what was imported. */
  available: ModelPrecision[];
  /** Bytes on disk per precision: measured for installed ones, the catalogue's approximate size otherwise. */
  bytesByPrecision: Partial<Record<ModelPrecision, number>>;
  /** Whether the text tower and a tokenizer are installed (text search, zero-shot labels). */
  textAvailable: boolean;
  embeddingDim: number;
  /** The folder the model is (or would be) installed in. */
  dir: string;
  /** Anything the user should know, e.g. why text features are unavailable. */
  notes: string[];
}

export interface ModelsListResult {
  cacheDir: string;
  models: ModelListEntry[];
  /** The model analysis uses when no model is named ('pixels' when no CLIP model is installed). */
  defaultModel: string;
}

export interface ModelImportResult {
  model: ModelListEntry;
  /** False when the same files were imported before (the existing copy is kept). */
  added: boolean;
  warnings: string[];
}

/** '610 MB', '2.2 MB', '520 B': decimal units, as model hubs show sizes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes))} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
