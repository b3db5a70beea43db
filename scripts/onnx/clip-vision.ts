/**
 * Builds a CLIP ViT vision tower (the architecture of OpenAI's CLIP ViT-B/32 image encoder, as Hugging Face's
 * CLIPVisionModelWithProjection exports it) with seeded random weights. Same graph signature as the
 * optimum export: input `pixel_values` float32 [batch_size,3,224,224]; outputs `image_embeds` [batch_size,512]
 * and `last_hidden_state` [batch_size,50,width]. The weights are random: the embeddings carry no meaning,
 * but the compute and the interface are the real model's, which is what tests and benchmarks need.
 */
import { attr, dataTypeOf, GraphBuilder, tensorValueInfo, type FloatPrecision } from './graph-builder.js';
import { encodeModel, OnnxDataType } from './onnx-proto.js';
import { fillNormal, mulberry32 } from './prng.js';

export interface ClipVisionConfig {
  imageSize: number;
  patchSize: number;
  width: number;
  layers: number;
  heads: number;
  mlpWidth: number;
  projectionDim: number;
  layerNormEpsilon: number;
}

export const CLIP_VISION_VARIANTS = {
  /** Same input, patching and output size as ViT-B/32, but narrow and shallow: a test fixture. */
  tiny: { imageSize: 224, patchSize: 32, width: 64, layers: 2, heads: 2, mlpWidth: 256, projectionDim: 512, layerNormEpsilon: 1e-5 },
  /** CLIP ViT-B/32's vision tower: ~88M parameters. */
  'vit-b32': { imageSize: 224, patchSize: 32, width: 768, layers: 12, heads: 12, mlpWidth: 3072, projectionDim: 512, layerNormEpsilon: 1e-5 },
} as const satisfies Record<string, ClipVisionConfig>;

export type ClipVisionVariant = keyof typeof CLIP_VISION_VARIANTS;

/**
 * - `fp32`: float32 weights and compute.
 * - `fp16-weights`: float16 weights cast to float32 at load (half the file; same compute as fp32).
 * - `fp16`: the whole graph computes in float16 (what GPUs run fast); input and outputs stay float32.
 */
export type ClipPrecision = 'fp32' | 'fp16-weights' | 'fp16';

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

const OPSET_VERSION = 17; // LayerNormalization and Shape(start, end) need >= 17 / 15
const IR_VERSION = 8; // the IR version that goes with opset 17

export function clipTokenCount(config: ClipVisionConfig): number {
  return (config.imageSize / config.patchSize) ** 2 + 1;
}

export function clipParameterCount(config: ClipVisionConfig): number {
  const { width, patchSize, layers, mlpWidth, projectionDim } = config;
  const perLayer = 4 * (width * width + width) + 2 * 2 * width + (width * mlpWidth + mlpWidth) + (mlpWidth * width + width);
  return width * 3 * patchSize * patchSize + width + clipTokenCount(config) * width + 4 * width + layers * perLayer + width * projectionDim;
}

/** Returns the bytes of an `.onnx` file. */
export function buildClipVisionModel(config: ClipVisionConfig, options: BuildClipVisionOptions): Uint8Array {
  const { width, heads, patchSize, imageSize, mlpWidth, projectionDim, layerNormEpsilon } = config;
  if (width % heads !== 0) throw new Error(`width ${width} is not a multiple of heads ${heads}`);
  if (imageSize % patchSize !== 0) throw new Error(`imageSize ${imageSize} is not a multiple of patchSize ${patchSize}`);
  const headDim = width / heads;
  const tokens = clipTokenCount(config);

  const compute: FloatPrecision = options.precision === 'fp16' ? 'float16' : 'float32';
  const storage: FloatPrecision = options.precision === 'fp32' ? 'float32' : 'float16';
  const g = new GraphBuilder(compute);
  const uniform = mulberry32(options.seed);

  // Matrix weights use std 1/sqrt(fan_in) so activations stay O(1) through the layers (finite in float16, and
  // images give clearly different embeddings); embeddings and biases use CLIP's usual N(0, 0.02).
  const random = (name: string, dims: number[], std: number): string =>
    g.weight(name, dims, fillNormal(new Float32Array(dims.reduce((a, b) => a * b, 1)), std, uniform), storage);
  const filled = (name: string, dims: number[], value: number): string =>
    g.weight(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value), storage);
  const linear = (name: string, x: string, fanIn: number, fanOut: number, bias: boolean): string => {
    const y = g.node('MatMul', [x, random(`${name}.weight`, [fanIn, fanOut], 1 / Math.sqrt(fanIn))], [], `${name}/MatMul`);
    return bias ? g.node('Add', [y, random(`${name}.bias`, [fanOut], 0.02)], [], `${name}/Add`) : y;
  };
  const layerNorm = (name: string, x: string): string =>
    g.node(
      'LayerNormalization',
      [x, filled(`${name}.weight`, [width], 1), filled(`${name}.bias`, [width], 0)],
      [attr.int('axis', -1), attr.float('epsilon', layerNormEpsilon)],
      name,
    );

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
  const patchWeight = random('embeddings.patch_embedding.weight', [width, 3, patchSize, patchSize], 1 / Math.sqrt(3 * patchSize * patchSize));
  const patches = g.node('Conv', [pixels, patchWeight], [attr.ints('kernel_shape', [patchSize, patchSize]), attr.ints('strides', [patchSize, patchSize])], 'embeddings.patch_embedding');
  const flat = g.node('Reshape', [patches, g.int64('embeddings.flatten_shape', [0, width, -1])], [], 'embeddings/flatten');
  const patchTokens = g.node('Transpose', [flat], [attr.ints('perm', [0, 2, 1])], 'embeddings/transpose');

  // Class token, broadcast to the batch: Expand to [batch, 1, width].
  const classEmbedding = random('embeddings.class_embedding', [1, 1, width], 0.02);
  const batch = g.node('Shape', [input], [attr.int('start', 0), attr.int('end', 1)], 'embeddings/batch_size');
  const classShape = g.node('Concat', [batch, g.int64('embeddings.class_tail_shape', [1, width])], [attr.int('axis', 0)], 'embeddings/class_shape');
  const classTokens = g.node('Expand', [classEmbedding, classShape], [], 'embeddings/class_tokens');
  const joined = g.node('Concat', [classTokens, patchTokens], [attr.int('axis', 1)], 'embeddings/concat');
  const embedded = g.node('Add', [joined, random('embeddings.position_embedding.weight', [tokens, width], 0.02)], [], 'embeddings/position');
  let x = layerNorm('pre_layrnorm', embedded);

  const headsShape = g.int64('attention.heads_shape', [0, 0, heads, headDim]);
  const mergedShape = g.int64('attention.merged_shape', [0, 0, width]);
  const queryScale = g.constant('attention.scale', [headDim ** -0.5]);
  const geluAlpha = g.constant('mlp.quick_gelu_alpha', [1.702]);

  for (let layer = 0; layer < config.layers; layer++) {
    const p = `encoder.layers.${layer}`;
    // Multi-head self-attention.
    const h = layerNorm(`${p}.layer_norm1`, x);
    const splitHeads = (t: string, name: string, perm: number[]): string =>
      g.node('Transpose', [g.node('Reshape', [t, headsShape], [], `${name}/split_heads`)], [attr.ints('perm', perm)], `${name}/transpose`);
    const qScaled = g.node('Mul', [linear(`${p}.self_attn.q_proj`, h, width, width, true), queryScale], [], `${p}.self_attn/scale`);
    const q = splitHeads(qScaled, `${p}.self_attn.q`, [0, 2, 1, 3]); // [B, H, T, d]
    const kT = splitHeads(linear(`${p}.self_attn.k_proj`, h, width, width, true), `${p}.self_attn.k`, [0, 2, 3, 1]); // [B, H, d, T]
    const v = splitHeads(linear(`${p}.self_attn.v_proj`, h, width, width, true), `${p}.self_attn.v`, [0, 2, 1, 3]);
    const scores = g.node('MatMul', [q, kT], [], `${p}.self_attn/scores`);
    const probs = g.node('Softmax', [scores], [attr.int('axis', -1)], `${p}.self_attn/softmax`);
    const context = g.node('MatMul', [probs, v], [], `${p}.self_attn/context`);
    const merged = g.node(
      'Reshape',
      [g.node('Transpose', [context], [attr.ints('perm', [0, 2, 1, 3])], `${p}.self_attn/merge_transpose`), mergedShape],
      [],
      `${p}.self_attn/merge_heads`,
    );
    x = g.node('Add', [x, linear(`${p}.self_attn.out_proj`, merged, width, width, true)], [], `${p}/residual1`);

    // MLP with quick_gelu: y * sigmoid(1.702 y).
    const m = linear(`${p}.mlp.fc1`, layerNorm(`${p}.layer_norm2`, x), width, mlpWidth, true);
    const gate = g.node('Sigmoid', [g.node('Mul', [m, geluAlpha], [], `${p}.mlp/gelu_scale`)], [], `${p}.mlp/gelu_sigmoid`);
    const activated = g.node('Mul', [m, gate], [], `${p}.mlp/quick_gelu`);
    x = g.node('Add', [x, linear(`${p}.mlp.fc2`, activated, mlpWidth, width, true)], [], `${p}/residual2`);
  }

  // Hugging Face's last_hidden_state is the encoder output before post_layernorm.
  const lastHiddenState = 'last_hidden_state';
  const imageEmbeds = 'image_embeds';
  const classOutput = g.node('Gather', [x, g.int64('pooler.class_index', [0])], [attr.int('axis', 1)], 'pooler/class_token');
  const pooled = layerNorm('post_layernorm', classOutput);
  const projected = g.node('MatMul', [pooled, random('visual_projection.weight', [width, projectionDim], 1 / Math.sqrt(width))], [], 'visual_projection');
  const toFloat32 = [attr.int('to', OnnxDataType.FLOAT)];
  if (compute === 'float32') {
    g.node('Identity', [x], [], 'last_hidden_state/identity', lastHiddenState);
    g.node('Identity', [projected], [], 'image_embeds/identity', imageEmbeds);
  } else {
    g.node('Cast', [x], toFloat32, 'last_hidden_state/cast', lastHiddenState);
    g.node('Cast', [projected], toFloat32, 'image_embeds/cast', imageEmbeds);
  }

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
  return encodeModel({
    ir_version: IR_VERSION,
    producer_name: 'dataset-health scripts/make-test-models.ts',
    producer_version: '1',
    opset_import: [{ domain: '', version: OPSET_VERSION }],
    graph,
    metadata_props: [
      { key: 'random_weights', value: 'true' },
      { key: 'seed', value: String(options.seed) },
      { key: 'precision', value: options.precision },
      ...(options.uint8Input ? [{ key: 'input', value: 'uint8 NHWC RGB, normalised in the graph' }] : []),
      { key: 'config', value: JSON.stringify(config) },
    ],
  });
}
