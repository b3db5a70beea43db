/**
 * Builds a CLIP ViT vision tower (the architecture of OpenAI's CLIP ViT-B/32 image encoder, as Hugging Face's
 * CLIPVisionModelWithProjection exports it) with seeded random weights. Same graph signature as the
 * optimum export: input `pixel_values` float32 [batch_size,3,224,224]; outputs `image_embeds` [batch_size,512]
 * and `last_hidden_state` [batch_size,50,width]. The weights are random: the embeddings carry no meaning,
 * but the compute and the interface are the real model's, which is what tests and benchmarks need.
 */
import { attr, dataTypeOf, tensorValueInfo } from './graph-builder.js';
import { OnnxDataType } from './onnx-proto.js';
import { addEncoderLayers, encodeTower, encoderParameterCount, float32Output, startTower, type ClipPrecision, type ClipTowerShape } from './clip-transformer.js';

export type { ClipPrecision } from './clip-transformer.js';

export interface ClipVisionConfig extends ClipTowerShape {
  imageSize: number;
  patchSize: number;
}

export const CLIP_VISION_VARIANTS = {
  /** Same input, patching and output size as ViT-B/32, but narrow and shallow: a test fixture. */
  tiny: { imageSize: 224, patchSize: 32, width: 64, layers: 2, heads: 2, mlpWidth: 256, projectionDim: 512, layerNormEpsilon: 1e-5 },
  /** CLIP ViT-B/32's vision tower: ~88M parameters. */
  'vit-b32': { imageSize: 224, patchSize: 32, width: 768, layers: 12, heads: 12, mlpWidth: 3072, projectionDim: 512, layerNormEpsilon: 1e-5 },
} as const satisfies Record<string, ClipVisionConfig>;

export type ClipVisionVariant = keyof typeof CLIP_VISION_VARIANTS;

export interface BuildClipVisionOptions {
  precision: ClipPrecision;
  seed: number;
  /**
   * Input `pixel_values` as RGB bytes uint8 [batch,224,224,3], normalised inside the graph (Cast, Sub, Mul,
   * Transpose), instead of normalised float32 [batch,3,224,224]: a quarter of the bytes to move, no CPU pass.
   */
  uint8Input?: boolean;
}

/** CLIP's per-channel mean and std (as in src/core/decode/clip-preprocess.ts), for the in-graph normalisation. */
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

export function clipTokenCount(config: ClipVisionConfig): number {
  return (config.imageSize / config.patchSize) ** 2 + 1;
}

export function clipParameterCount(config: ClipVisionConfig): number {
  const { width, patchSize, projectionDim } = config;
  return width * 3 * patchSize * patchSize + width + clipTokenCount(config) * width + 4 * width + encoderParameterCount(config) + width * projectionDim;
}

/** Returns the bytes of an `.onnx` file. */
export function buildClipVisionModel(config: ClipVisionConfig, options: BuildClipVisionOptions): Uint8Array {
  const { width, patchSize, imageSize, projectionDim } = config;
  if (imageSize % patchSize !== 0) throw new Error(`imageSize ${imageSize} is not a multiple of patchSize ${patchSize}`);
  const tokens = clipTokenCount(config);

  const { g, w, compute } = startTower(config, options);

  const input = 'pixel_values';
  g.reserve(input);
  let pixels: string;
  if (options.uint8Input) {
    // (v/255 - mean)/std = (v - 255·mean) · 1/(255·std) per channel. Transposing the bytes first moves a quarter
    // of the data; the [3,1,1] constants broadcast over H and W.
    const nchw = g.node('Transpose', [input], [attr.ints('perm', [0, 3, 1, 2])], 'pixel_values/to_nchw');
    const asFloat = g.node('Cast', [nchw], [attr.int('to', dataTypeOf(compute))], 'pixel_values/cast');
    const centred = g.node('Sub', [asFloat, g.constant('pixel_values.mean_255', CLIP_MEAN.map((m) => m * 255), [3, 1, 1])], [], 'pixel_values/sub_mean');
    pixels = g.node('Mul', [centred, g.constant('pixel_values.inv_std_255', CLIP_STD.map((s) => 1 / (255 * s)), [3, 1, 1])], [], 'pixel_values/div_std');
  } else {
    pixels = compute === 'float32' ? input : g.node('Cast', [input], [attr.int('to', OnnxDataType.FLOAT16)], 'pixel_values/cast');
  }

  // Patch embedding: a strided convolution without bias, then [B, width, 7, 7] -> [B, 49, width].
  const patchWeight = w.random('embeddings.patch_embedding.weight', [width, 3, patchSize, patchSize], 1 / Math.sqrt(3 * patchSize * patchSize));
  const patches = g.node('Conv', [pixels, patchWeight], [attr.ints('kernel_shape', [patchSize, patchSize]), attr.ints('strides', [patchSize, patchSize])], 'embeddings.patch_embedding');
  const flat = g.node('Reshape', [patches, g.int64('embeddings.flatten_shape', [0, width, -1])], [], 'embeddings/flatten');
  const patchTokens = g.node('Transpose', [flat], [attr.ints('perm', [0, 2, 1])], 'embeddings/transpose');

  // Class token, broadcast to the batch: Expand to [batch, 1, width].
  const classEmbedding = w.random('embeddings.class_embedding', [1, 1, width], 0.02);
  const batch = g.node('Shape', [input], [attr.int('start', 0), attr.int('end', 1)], 'embeddings/batch_size');
  const classShape = g.node('Concat', [batch, g.int64('embeddings.class_tail_shape', [1, width])], [attr.int('axis', 0)], 'embeddings/class_shape');
  const classTokens = g.node('Expand', [classEmbedding, classShape], [], 'embeddings/class_tokens');
  const joined = g.node('Concat', [classTokens, patchTokens], [attr.int('axis', 1)], 'embeddings/concat');
  const embedded = g.node('Add', [joined, w.random('embeddings.position_embedding.weight', [tokens, width], 0.02)], [], 'embeddings/position');
  const x = addEncoderLayers(g, w, w.layerNorm('pre_layrnorm', embedded), config);

  // Hugging Face's last_hidden_state is the encoder output before post_layernorm.
  const lastHiddenState = 'last_hidden_state';
  const imageEmbeds = 'image_embeds';
  const classOutput = g.node('Gather', [x, g.int64('pooler.class_index', [0])], [attr.int('axis', 1)], 'pooler/class_token');
  const pooled = w.layerNorm('post_layernorm', classOutput);
  const projected = g.node('MatMul', [pooled, w.random('visual_projection.weight', [width, projectionDim], 1 / Math.sqrt(width))], [], 'visual_projection');
  float32Output(g, compute, x, lastHiddenState);
  float32Output(g, compute, projected, imageEmbeds);

  const graph = g.toGraph(
    'clip_vision_random_weights',
    [
      options.uint8Input
        ? { name: input, type: { tensor_type: { elem_type: OnnxDataType.UINT8, shape: { dim: [{ dim_param: 'batch_size' }, { dim_value: imageSize }, { dim_value: imageSize }, { dim_value: 3 }] } } } }
        : tensorValueInfo(input, 'float32', ['batch_size', 3, imageSize, imageSize]),
    ],
    [
      tensorValueInfo(imageEmbeds, 'float32', ['batch_size', projectionDim]),
      tensorValueInfo(lastHiddenState, 'float32', ['batch_size', tokens, width]),
    ],
    'CLIP ViT vision tower with seeded random weights (not a trained model).',
  );
  return encodeTower(graph, options, config, options.uint8Input ? [{ key: 'input', value: 'uint8 NHWC RGB, normalised in the graph' }] : []);
}
