/**
 * Turns the user's model choice (CLI `--model`, AnalyzeParams.model) into an embedder.
 *
 * Accepted: 'pixels' (or its id 'pixels-v1'); 'clip-vit-b32' from the model cache, in the Hugging Face optimum
 * layout `<modelCacheDir>/clip-vit-b32/onnx/vision_model.onnx`; a path to an `.onnx` file; a folder containing
 * `onnx/vision_model.onnx`. Nothing given: CLIP ViT-B/32 when it is cached, else the pixels embedder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
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
}

export function clipVitB32Path(modelCacheDir: string): string {
  return join(modelCacheDir, CLIP_VIT_B32_ID, VISION_MODEL_RELATIVE_PATH);
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

export async function resolveEmbedder(spec: string | undefined, options: ResolveEmbedderOptions): Promise<Embedder> {
  const onnxOptions = {
    ...(options.providers ? { providers: options.providers } : {}),
    batchSize: options.batchSize ?? defaultBatchSize,
  };
  const cachedClip = clipVitB32Path(options.modelCacheDir);
  const loadCachedClip = (): Promise<Embedder> => OnnxClipEmbedder.load(cachedClip, { ...onnxOptions, id: CLIP_VIT_B32_ID, name: 'CLIP ViT-B/32' });
  const pixels = (): Embedder => new PixelsEmbedder(typeof options.batchSize === 'number' ? options.batchSize : undefined);

  const trimmed = spec?.trim();
  if (trimmed === undefined || trimmed === '') return (await kindOf(cachedClip)) === 'file' ? loadCachedClip() : pixels();
  if (trimmed === PIXELS_SPEC || trimmed === PIXELS_EMBEDDER_INFO.id) return pixels();
  if (trimmed === CLIP_VIT_B32_ID) {
    if ((await kindOf(cachedClip)) !== 'file') {
      throw new Error(
        `CLIP ViT-B/32 is not in the model cache: expected ${cachedClip} (the vision tower of an optimum ONNX export). ` +
          `Put it there, pass a path to an .onnx file, or use '${PIXELS_SPEC}'.`,
      );
    }
    return loadCachedClip();
  }

  const asPath = resolve(trimmed);
  const kind = await kindOf(asPath);
  let modelPath: string | null = null;
  if (kind === 'file' && trimmed.toLowerCase().endsWith('.onnx')) modelPath = asPath;
  else if (kind === 'directory' && (await kindOf(join(asPath, VISION_MODEL_RELATIVE_PATH))) === 'file') modelPath = join(asPath, VISION_MODEL_RELATIVE_PATH);
  if (modelPath) {
    const id = `onnx:${(await sha1OfFile(modelPath)).slice(0, 16)}`;
    return OnnxClipEmbedder.load(modelPath, { ...onnxOptions, id, name: `ONNX model ${basename(kind === 'directory' ? asPath : modelPath)}` });
  }

  const clipState = (await kindOf(cachedClip)) === 'file' ? 'cached' : `not cached; expected at ${cachedClip}`;
  const why =
    kind === 'directory'
      ? `the folder ${asPath} has no ${VISION_MODEL_RELATIVE_PATH}`
      : kind === 'file'
        ? `${asPath} is not an .onnx file`
        : `it is not a known model id and ${asPath} does not exist`;
  throw new Error(
    `Unknown model '${trimmed}': ${why}. Available: '${PIXELS_SPEC}' (${PIXELS_EMBEDDER_INFO.name}), ` +
      `'${CLIP_VIT_B32_ID}' (CLIP ViT-B/32, ${clipState}), a path to an .onnx file, or a folder containing ${VISION_MODEL_RELATIVE_PATH}.`,
  );
}
