/**
 * What the model cache holds: catalogue models (with the precisions whose files are all installed) and imported
 * models, read from their manifests. The single place that decides whether a model counts as installed.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelListEntry, ModelPrecision, ModelsListResult } from '../../shared/model/models.js';
import { TOKENIZER_FILE_NAMES } from '../text/bpe-files.js';
import { catalogPrecisions, filesForPrecision, type Catalog, type CatalogEntry, type TensorSpec } from './catalog.js';
import { TEXT_MODEL_FILE, TEXT_MODEL_FP16_FILE } from '../embed/clip-text-encoder.js';
import { recordedTextTowerProblem } from './inspect-onnx.js';
import { modelDirFor } from './install-model.js';
import { presentFiles, readManifest, type ModelManifest } from './manifest.js';

/** An installed model, ready to load: where its files are and what its tensors are called. */
export interface InstalledModel {
  id: string;
  name: string;
  kind: 'catalogue' | 'imported';
  modelDir: string;
  precisions: ModelPrecision[];
  /** Absolute path of the vision tower in each installed precision. */
  visionPaths: Partial<Record<ModelPrecision, string>>;
  vision: { input: TensorSpec; output: TensorSpec };
  embeddingDim: number;
  textAvailable: boolean;
  /** Why a text tower the manifest lists cannot be used (an import made before import checked it as the runtime does). */
  textProblem?: string;
  manifest: ModelManifest;
}

function hasTokenizer(paths: Set<string>): boolean {
  return TOKENIZER_FILE_NAMES.some((name) => paths.has(name));
}

/**
 * Why an imported model's text tower cannot load, or null: the questions loadClipTextTower asks (where the file
 * is, a tokenizer beside it, the signature), asked of the manifest so that listing stays cheap.
 */
function importedTextProblem(manifest: ModelManifest, modelDir: string, present: Set<string>): string | null {
  const file = manifest.files.find((f) => f.role === 'text');
  const text = manifest.towers?.text;
  if (!file || !text) return null;
  const where = join(modelDir, ...file.path.split('/'));
  const unavailable = (reason: string): string => `Text search and zero-shot labels are unavailable: ${reason}. Import the model folder again.`;
  if (file.path !== TEXT_MODEL_FILE && file.path !== TEXT_MODEL_FP16_FILE) return unavailable(`${where} is not where the text side looks (${TEXT_MODEL_FILE})`);
  if (!hasTokenizer(present)) return unavailable(`${modelDir} has no tokenizer (${TOKENIZER_FILE_NAMES.join(', ')})`);
  const problem = recordedTextTowerProblem(text, where);
  return problem === null ? null : unavailable(problem);
}

async function installedCatalogModel(cacheDir: string, entry: CatalogEntry): Promise<{ model: InstalledModel | null; notes: string[] }> {
  const modelDir = modelDirFor(cacheDir, entry.id);
  const read = await readManifest(modelDir);
  if (read.state === 'invalid') return { model: null, notes: [`Not installed: ${read.problem}. Download it again.`] };
  if (read.state === 'missing' || read.manifest.kind !== 'catalogue') return { model: null, notes: [] };
  const present = await presentFiles(modelDir, read.manifest);
  const precisions = catalogPrecisions(entry).filter((p) => filesForPrecision(entry, p).every((f) => present.has(f.path)));
  if (precisions.length === 0) return { model: null, notes: [] };
  const visionPaths: InstalledModel['visionPaths'] = {};
  for (const p of precisions) {
    const file = entry.files.find((f) => f.role === 'vision' && f.precision === p);
    if (file) visionPaths[p] = join(modelDir, ...file.path.split('/'));
  }
  return {
    model: {
      id: entry.id,
      name: entry.name,
      kind: 'catalogue',
      modelDir,
      precisions,
      visionPaths,
      vision: { input: entry.vision.input, output: entry.vision.output },
      embeddingDim: entry.embeddingDim,
      textAvailable: true, // every catalogue precision includes its text tower and tokenizer
      manifest: read.manifest,
    },
    notes: [],
  };
}

async function installedImports(cacheDir: string, catalog: Catalog): Promise<InstalledModel[]> {
  const catalogueIds = new Set(catalog.models.map((m) => m.id));
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const models: InstalledModel[] = [];
  for (const name of names.sort()) {
    // Dot folders are imports being staged (or left by a crash): never models.
    if (catalogueIds.has(name) || name.startsWith('.')) continue;
    const modelDir = join(cacheDir, name);
    const read = await readManifest(modelDir);
    if (read.state !== 'ok' || read.manifest.kind !== 'imported' || read.manifest.id !== name || !read.manifest.towers) continue;
    const { manifest } = read;
    const towers = read.manifest.towers;
    const present = await presentFiles(modelDir, manifest);
    const vision = manifest.files.find((f) => f.role === 'vision');
    if (!vision || manifest.files.some((f) => !present.has(f.path))) continue;
    const precision = vision.precision ?? 'fp32';
    const textProblem = importedTextProblem(manifest, modelDir, present);
    models.push({
      id: manifest.id,
      name: manifest.name,
      kind: 'imported',
      modelDir,
      precisions: [precision],
      visionPaths: { [precision]: join(modelDir, ...vision.path.split('/')) },
      vision: towers.vision,
      embeddingDim: towers.embeddingDim,
      textAvailable: towers.text !== undefined && textProblem === null,
      ...(towers.text !== undefined && textProblem !== null ? { textProblem } : {}),
      manifest,
    });
  }
  return models;
}

/** The installed model with this id (catalogue or imported), or null. */
export async function findInstalledModel(cacheDir: string, catalog: Catalog, id: string): Promise<InstalledModel | null> {
  const entry = catalog.models.find((m) => m.id === id);
  if (entry) return (await installedCatalogModel(cacheDir, entry)).model;
  return (await installedImports(cacheDir, catalog)).find((m) => m.id === id) ?? null;
}

/** The model analysis uses when none is named: the first installed catalogue model, else the pixels embedder. */
export async function defaultModelId(cacheDir: string, catalog: Catalog): Promise<string | null> {
  for (const entry of catalog.models) {
    if ((await installedCatalogModel(cacheDir, entry)).model) return entry.id;
  }
  return null;
}

export async function listModels(cacheDir: string, catalog: Catalog): Promise<ModelsListResult> {
  const models: ModelListEntry[] = [];
  for (const entry of catalog.models) {
    const { model, notes } = await installedCatalogModel(cacheDir, entry);
    const bytesByPrecision: ModelListEntry['bytesByPrecision'] = {};
    for (const p of catalogPrecisions(entry)) {
      const installed = model?.precisions.includes(p) ?? false;
      bytesByPrecision[p] = filesForPrecision(entry, p).reduce((sum, f) => sum + ((installed ? model?.manifest.files.find((m) => m.path === f.path)?.bytes : undefined) ?? f.approxBytes), 0);
    }
    models.push({
      id: entry.id,
      name: entry.name,
      kind: 'catalogue',
      source: { repo: entry.source.repo, revision: entry.source.revision },
      installed: model?.precisions ?? [],
      available: catalogPrecisions(entry),
      bytesByPrecision,
      textAvailable: model?.textAvailable ?? false,
      embeddingDim: entry.embeddingDim,
      dir: modelDirFor(cacheDir, entry.id),
      notes,
    });
  }
  for (const model of await installedImports(cacheDir, catalog)) {
    const bytes = model.manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    const source = model.manifest.source;
    models.push({
      id: model.id,
      name: model.name,
      kind: 'imported',
      source: 'importedFrom' in source ? { importedFrom: source.importedFrom } : { importedFrom: '' },
      installed: model.precisions,
      available: model.precisions,
      bytesByPrecision: Object.fromEntries(model.precisions.map((p) => [p, bytes])),
      textAvailable: model.textAvailable,
      embeddingDim: model.embeddingDim,
      dir: model.modelDir,
      notes: model.textProblem === undefined ? model.manifest.notes : [...model.manifest.notes, model.textProblem],
    });
  }
  return { cacheDir, models, defaultModel: (await defaultModelId(cacheDir, catalog)) ?? 'pixels' };
}

/**
 * Deletes a model's folder. The manifest goes first, so an interrupted removal leaves files that no longer count
 * as installed rather than a model with files missing.
 */
export async function removeModel(cacheDir: string, catalog: Catalog, id: string): Promise<boolean> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id) || id.includes('..')) return false;
  const modelDir = modelDirFor(cacheDir, id);
  const known = catalog.models.some((m) => m.id === id) || (await readManifest(modelDir)).state !== 'missing';
  if (!known) return false;
  await rm(join(modelDir, 'manifest.json'), { force: true });
  await rm(modelDir, { recursive: true, force: true });
  return true;
}
