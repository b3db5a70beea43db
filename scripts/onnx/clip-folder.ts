/**
 * Writes a whole CLIP model folder in the Hugging Face / optimum layout, with random-weight towers:
 *
 *   onnx/vision_model.onnx   onnx/text_model.onnx   (and onnx/*_fp16.onnx on request)
 *   merges.txt               the bundled CLIP vocabulary in Hugging Face's format
 *   preprocessor_config.json CLIPImageProcessor's values for OpenAI CLIP
 *   config.json              CLIPConfig describing the towers written
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLIP_IMAGE_SIZE_PX, CLIP_MEAN, CLIP_STD } from '../../src/core/decode/clip-preprocess.js';
import { clipBpeVocabularyPath } from '../../src/core/resources.js';
import { formatMergesText, readBpeTables } from '../../src/core/text/bpe-files.js';
import { buildClipTextModel, CLIP_TEXT_VARIANTS, type ClipTextConfig } from './clip-text.js';
import { buildClipVisionModel, CLIP_VISION_VARIANTS, type ClipPrecision, type ClipVisionConfig, type ClipVisionVariant } from './clip-vision.js';

export interface ClipFolderOptions {
  variant: ClipVisionVariant;
  /** Precision of onnx/vision_model.onnx and onnx/text_model.onnx. */
  precision: ClipPrecision;
  /** Also write onnx/vision_model_fp16.onnx and onnx/text_model_fp16.onnx, computing in float16. */
  fp16: boolean;
  seed: number;
}

/** Writes the folder (creating it) and returns the paths written, relative to `dir`. */
export async function writeClipModelFolder(dir: string, options: ClipFolderOptions): Promise<string[]> {
  const vision = CLIP_VISION_VARIANTS[options.variant];
  const text = CLIP_TEXT_VARIANTS[options.variant];
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const written: string[] = [];
  // Each file is written as soon as it is built: ViT-B/32's four towers together are ~900 MB.
  const put = async (name: string, content: Uint8Array | string): Promise<void> => {
    await writeFile(join(dir, name), content);
    written.push(name);
  };
  const towers = async (precision: ClipPrecision, suffix: string): Promise<void> => {
    await put(`onnx/vision_model${suffix}.onnx`, buildClipVisionModel(vision, { precision, seed: options.seed }));
    await put(`onnx/text_model${suffix}.onnx`, buildClipTextModel(text, { precision, seed: options.seed }));
  };
  await towers(options.precision, '');
  if (options.fp16) await towers('fp16', '_fp16');
  await put('merges.txt', formatMergesText((await readBpeTables(clipBpeVocabularyPath())).merges));
  await put('preprocessor_config.json', JSON.stringify(clipPreprocessorConfig(vision), null, 2) + '\n');
  await put('config.json', JSON.stringify(clipConfig(vision, text, options.seed), null, 2) + '\n');
  return written;
}

/** Hugging Face CLIPImageProcessor for OpenAI CLIP: bicubic resize of the shortest edge, centre crop, normalise. */
export function clipPreprocessorConfig(vision: ClipVisionConfig): Record<string, unknown> {
  if (vision.imageSize !== CLIP_IMAGE_SIZE_PX) throw new Error(`image size ${vision.imageSize}: the app preprocesses to ${CLIP_IMAGE_SIZE_PX}`);
  return {
    crop_size: { height: vision.imageSize, width: vision.imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [...CLIP_MEAN],
    image_processor_type: 'CLIPImageProcessor',
    image_std: [...CLIP_STD],
    resample: 3, // PIL bicubic
    rescale_factor: 1 / 255,
    size: { shortest_edge: vision.imageSize },
  };
}

/** Hugging Face CLIPConfig for the towers written (OpenAI's ViT-B/32 values for that variant). */
export function clipConfig(vision: ClipVisionConfig, text: ClipTextConfig, seed: number): Record<string, unknown> {
  if (vision.projectionDim !== text.projectionDim) throw new Error(`vision projection ${vision.projectionDim} ≠ text projection ${text.projectionDim}`);
  return {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: text.projectionDim,
    logit_scale_init_value: 2.6592,
    initializer_factor: 1.0,
    text_config: {
      model_type: 'clip_text_model',
      vocab_size: text.vocabularySize,
      max_position_embeddings: text.contextLength,
      hidden_size: text.width,
      intermediate_size: text.mlpWidth,
      num_attention_heads: text.heads,
      num_hidden_layers: text.layers,
      hidden_act: 'quick_gelu',
      layer_norm_eps: text.layerNormEpsilon,
      projection_dim: text.projectionDim,
      bos_token_id: 49406,
      eos_token_id: 49407,
      pad_token_id: 1,
    },
    vision_config: {
      model_type: 'clip_vision_model',
      image_size: vision.imageSize,
      patch_size: vision.patchSize,
      num_channels: 3,
      hidden_size: vision.width,
      intermediate_size: vision.mlpWidth,
      num_attention_heads: vision.heads,
      num_hidden_layers: vision.layers,
      hidden_act: 'quick_gelu',
      layer_norm_eps: vision.layerNormEpsilon,
      projection_dim: vision.projectionDim,
    },
    torch_dtype: 'float32',
    // Not a Hugging Face key: says the weights are random (generated by scripts/make-test-models.ts).
    dataset_health: { random_weights: true, seed },
  };
}
