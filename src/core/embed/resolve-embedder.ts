/**
 * Turns the user's model choice (CLI `--model`, AnalyzeParams.model) into an embedder.
 *
 * Accepted: 'pixels' (or its id 'pixels-v1'); a catalogue id ('clip-vit-b32', 'clip-vit-b16') or an imported
 * model's id ('local-…'), optionally with a precision ('clip-vit-b32:fp16'), installed in the model cache (see
 * src/core/models); a path to an `.onnx` file; a folder containing `onnx/vision_model.onnx`. Nothing given: the
 * first installed catalogue model, else the pixels embedder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MODEL_PRECISIONS, type ModelPrecision } from '../../shared/model/models.js';
import { CLIP_IMAGE_SIZE_PX, CLIP_MEAN, CLIP_STD } from '../decode/clip-preprocess.js';
import { loadCatalog, type Catalog, type CatalogEntry } from '../models/catalog.js';
import { choosePrecision } from '../models/choose-precision.js';
import { modelDirFor } from '../models/install-model.js';
import { defaultModelId, findInstalledModel, type InstalledModel } from '../models/model-registry.js';
import { modelCatalogFile } from '../resources.js';
import type { Embedder } from './embedder.js';
import { OnnxClipEmbedder } from './onnx-clip-embedder.js';
import { PIXELS_EMBEDDER_INFO, PixelsEmbedder } from './pixels-embedder.js';
import { defaultBatchSize } from './providers.js';

export const CLIP_VIT_B32_ID = 'clip-vit-b32';
export const PIXELS_SPEC = 'pixels';
/** Where optimum's export puts the vision tower inside a model folder. */
export const VISION_MODEL_RELATIVE_PATH = join('onnx', 'vision_model.onnx');

export interface ResolveEmbedderOptions {
  modelCacheDir: string;
  /** Execution providers for ONNX models, in order of preference (`resolveProviderPlan(...).providers`). */
  providers?: readonly string[];
  /** Images per batch, or a rule per execution provider; default `defaultBatchSize(provider)`. */
  batchSize?: number | ((provider: string) => number);
  /** Default: the bundled catalogue. */
  catalog?: Catalog;
}

/**
 * Where RGB-input copies of float-input vision towers are kept: inside an installed model's folder (removing the
 * model removes them), in the cache's root for a model given by path. A dot folder: never listed as a model.
 */
export function rgbInputCacheDir(dir: string): string {
  return join(dir, '.rgb-input');
}

/** Where a hand-placed ViT-B/32 vision tower sat before the model manager (still loaded, unverified). */
export function clipVitB32Path(modelCacheDir: string): string {
  return join(modelDirFor(modelCacheDir, CLIP_VIT_B32_ID), VISION_MODEL_RELATIVE_PATH);
}

const kindOf = async (path: string): Promise<'file' | 'directory' | null> => {
  const info = await stat(path).catch(() => null);
  if (!info) return null;
  return info.isDirectory() ? 'directory' : 'file';
};

/** Content hash, so the store keys embeddings by the model's weights and not by where the file sits (~1 s for ViT-B/32). */
async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The decoder implements CLIP's preprocessing only; a catalogue entry that needs another is refused, not run wrongly. */
function assertSupportedPreprocess(entry: CatalogEntry): void {
  const p = entry.preprocess;
  const same = (a: readonly number[], b: readonly number[]): boolean => a.every((v, i) => Math.abs(v - (b[i] ?? NaN)) < 1e-6);
  if (p.imageSizePx !== CLIP_IMAGE_SIZE_PX || p.interpolation !== 'bicubic' || !same(p.mean, CLIP_MEAN) || !same(p.std, CLIP_STD)) {
    throw new Error(
      `${entry.name} needs ${p.imageSizePx}px ${p.interpolation} images normalised with mean [${p.mean.join(', ')}] and std [${p.std.join(', ')}]; ` +
        `this version decodes images CLIP's way only (${CLIP_IMAGE_SIZE_PX}px bicubic, CLIP mean and std)`,
    );
  }
}

/** `clip-vit-b32:fp16` -> id + precision; anything else -> null precision. */
function splitPrecision(spec: string): { id: string; precision: ModelPrecision | null } {
  const match = /^(.+):(fp16|fp32)$/.exec(spec);
  return match ? { id: match[1] as string, precision: match[2] as ModelPrecision } : { id: spec, precision: null };
}

export async function resolveEmbedder(spec: string | undefined, options: ResolveEmbedderOptions): Promise<Embedder> {
  const onnxOptions = {
    ...(options.providers ? { providers: options.providers } : {}),
    batchSize: options.batchSize ?? defaultBatchSize,
    rgbInputCacheDir: rgbInputCacheDir(options.modelCacheDir),
  };
  const catalog = options.catalog ?? (await loadCatalog(modelCatalogFile()));
  const legacyClip = clipVitB32Path(options.modelCacheDir);
  const loadLegacyClip = (): Promise<Embedder> =>
    OnnxClipEmbedder.load(legacyClip, {
      ...onnxOptions,
      id: CLIP_VIT_B32_ID,
      name: 'CLIP ViT-B/32',
      modelDir: modelDirFor(options.modelCacheDir, CLIP_VIT_B32_ID),
      rgbInputCacheDir: rgbInputCacheDir(modelDirFor(options.modelCacheDir, CLIP_VIT_B32_ID)),
    });
  const pixels = (): Embedder => new PixelsEmbedder(typeof options.batchSize === 'number' ? options.batchSize : undefined);

  const loadInstalled = (model: InstalledModel, asked: ModelPrecision | null): Promise<Embedder> => {
    const entry = catalog.models.find((m) => m.id === model.id);
    if (entry) assertSupportedPreprocess(entry);
    const precision = asked ?? choosePrecision(model.precisions, options.providers);
    const visionPath = precision === null ? undefined : model.visionPaths[precision];
    if (precision === null || visionPath === undefined) {
      throw new Error(`${model.name} is installed in ${model.precisions.join(' and ')} only, not ${asked}; download ${asked} with \`dataset-health models download ${model.id} --precision ${asked}\``);
    }
    // fp16 weights give slightly different vectors, so they get their own store key.
    const fromFolder = model.kind === 'catalogue' || model.manifest.files.some((f) => f.role !== 'vision');
    return OnnxClipEmbedder.load(visionPath, {
      ...onnxOptions,
      id: precision === 'fp32' ? model.id : `${model.id}:${precision}`,
      name: precision === 'fp32' ? model.name : `${model.name} (${precision})`,
      tensors: { input: model.vision.input.name, output: model.vision.output.name },
      ...(fromFolder ? { modelDir: model.modelDir } : {}),
      rgbInputCacheDir: rgbInputCacheDir(model.modelDir),
    });
  };

  const trimmed = spec?.trim();
  if (trimmed === undefined || trimmed === '') {
    const id = await defaultModelId(options.modelCacheDir, catalog);
    const installed = id === null ? null : await findInstalledModel(options.modelCacheDir, catalog, id);
    if (installed) return loadInstalled(installed, null);
    return (await kindOf(legacyClip)) === 'file' ? loadLegacyClip() : pixels();
  }
  if (trimmed === PIXELS_SPEC || trimmed === PIXELS_EMBEDDER_INFO.id) return pixels();

  const { id, precision } = splitPrecision(trimmed);
  const installed = await findInstalledModel(options.modelCacheDir, catalog, id);
  if (installed) return loadInstalled(installed, precision);
  const entry = catalog.models.find((m) => m.id === id);
  if (entry) {
    if (id === CLIP_VIT_B32_ID && precision !== 'fp16' && (await kindOf(legacyClip)) === 'file') return loadLegacyClip();
    throw new Error(
      `${entry.name} is not installed in the model cache ${options.modelCacheDir}. Download it with \`dataset-health models download ${id}${precision ? ` --precision ${precision}` : ''}\` ` +
        `(or from the Models panel in the app), or import a local copy with \`dataset-health models import PATH\`.`,
    );
  }

  const asPath = resolve(trimmed);
  const kind = await kindOf(asPath);
  let modelPath: string | null = null;
  let modelDir: string | undefined;
  if (kind === 'file' && trimmed.toLowerCase().endsWith('.onnx')) {
    modelPath = asPath;
    if (basename(dirname(asPath)) === 'onnx') modelDir = dirname(dirname(asPath)); // <folder>/onnx/vision_model.onnx
  } else if (kind === 'directory' && (await kindOf(join(asPath, VISION_MODEL_RELATIVE_PATH))) === 'file') {
    modelPath = join(asPath, VISION_MODEL_RELATIVE_PATH);
    modelDir = asPath;
  }
  if (modelPath) {
    const contentId = `onnx:${(await sha1OfFile(modelPath)).slice(0, 16)}`;
    return OnnxClipEmbedder.load(modelPath, { ...onnxOptions, id: contentId, name: `ONNX model ${basename(kind === 'directory' ? asPath : modelPath)}`, ...(modelDir ? { modelDir } : {}) });
  }

  const catalogState = await Promise.all(
    catalog.models.map(async (m) => `'${m.id}' (${m.name}, ${(await findInstalledModel(options.modelCacheDir, catalog, m.id)) ? 'installed' : 'not installed'})`),
  );
  const why =
    kind === 'directory'
      ? `the folder ${asPath} has no ${VISION_MODEL_RELATIVE_PATH}`
      : kind === 'file'
        ? `${asPath} is not an .onnx file`
        : `it is not a known model id and ${asPath} does not exist`;
  throw new Error(
    `Unknown model '${trimmed}': ${why}. Available: '${PIXELS_SPEC}' (${PIXELS_EMBEDDER_INFO.name}), ${catalogState.join(', ')}` +
      `${precisionHint()}, an imported model's id (\`dataset-health models list\`), a path to an .onnx file, or a folder containing ${VISION_MODEL_RELATIVE_PATH}.`,
  );
}

const precisionHint = (): string => ` (add :${MODEL_PRECISIONS.join(' or :')} to pick a precision)`;
