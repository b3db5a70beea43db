/**
 * Builds a CLIP text tower (the architecture of OpenAI's CLIP text encoder, as Hugging Face's
 * CLIPTextModelWithProjection exports it through optimum) with seeded random weights. Same graph signature as
 * that export: inputs `input_ids` and `attention_mask`, int64 [batch_size, sequence_length]; outputs
 * `text_embeds` float32 [batch_size, projection] and `last_hidden_state` float32 [batch_size, sequence_length,
 * width]. As in CLIP: token plus positional embeddings, causal self-attention (padding keys masked too),
 * pre-LayerNorm blocks with quick-GELU, a final LayerNorm, then the hidden state at the end token (the largest id,
 * as Hugging Face finds it for CLIP's vocabulary) projected without bias. The weights are random.
 */
import { addEncoderLayers, encodeTower, encoderParameterCount, float32Output, startTower, type ClipTowerShape, type TowerOptions } from './clip-transformer.js';
import { attr, tensorValueInfo, type FloatPrecision } from './graph-builder.js';
import { OnnxDataType } from './onnx-proto.js';

export interface ClipTextConfig extends ClipTowerShape {
  vocabularySize: number;
  contextLength: number;
}

export const CLIP_TEXT_VARIANTS = {
  /**
   * The full vocabulary and context with the ViT-B/32 output size, but 8 wide: a test fixture. The token
   * embedding alone is 49408 × width, so a width of 8 is what keeps the file under 1 MB at float16.
   */
  tiny: { vocabularySize: 49408, contextLength: 77, width: 8, layers: 2, heads: 2, mlpWidth: 32, projectionDim: 512, layerNormEpsilon: 1e-5 },
  /** CLIP ViT-B/32's text tower: ~63M parameters. */
  'vit-b32': { vocabularySize: 49408, contextLength: 77, width: 512, layers: 12, heads: 8, mlpWidth: 2048, projectionDim: 512, layerNormEpsilon: 1e-5 },
} as const satisfies Record<string, ClipTextConfig>;

export type ClipTextVariant = keyof typeof CLIP_TEXT_VARIANTS;

/** The lowest finite value of each compute precision: the score of a masked pair, as Hugging Face uses. */
const LOWEST: Record<FloatPrecision, number> = { float32: -3.4028234663852886e38, float16: -65504 };

export function clipTextParameterCount(config: ClipTextConfig): number {
  const { vocabularySize, contextLength, width, projectionDim } = config;
  return (vocabularySize + contextLength) * width + encoderParameterCount(config) + 2 * width + width * projectionDim;
}

/** Returns the bytes of an `.onnx` file. */
export function buildClipTextModel(config: ClipTextConfig, options: TowerOptions): Uint8Array {
  const { vocabularySize, contextLength, width, projectionDim } = config;
  const { g, w, compute } = startTower(config, options);

  const inputIds = 'input_ids';
  const attentionMask = 'attention_mask';
  g.reserve(inputIds);
  g.reserve(attentionMask);

  // Embeddings: token rows plus the first sequence_length positional rows.
  const tokens = g.node('Gather', [w.random('embeddings.token_embedding.weight', [vocabularySize, width], 0.02), inputIds], [attr.int('axis', 0)], 'embeddings.token_embedding');
  const sequenceLength = g.node('Shape', [inputIds], [attr.int('start', 1), attr.int('end', 2)], 'embeddings/sequence_length');
  const positions = g.node(
    'Slice',
    [w.random('embeddings.position_embedding.weight', [contextLength, width], 0.01), g.int64('embeddings.slice_start', [0], [1]), sequenceLength, g.int64('embeddings.slice_axis', [0], [1])],
    [],
    'embeddings.position_embedding',
  );
  const embedded = g.node('Add', [tokens, positions], [], 'embeddings/add');

  // Which key each query may attend to: itself and earlier tokens (causal), and not padding: [B, 1, S, S].
  const length = g.node('Squeeze', [sequenceLength, g.int64('mask.squeeze_axes', [0], [1])], [], 'mask/length');
  const index = g.node('Range', [g.int64('mask.range_start', [0]), length, g.int64('mask.range_step', [1])], [], 'mask/positions');
  const queries = g.node('Unsqueeze', [index, g.int64('mask.query_axes', [1], [1])], [], 'mask/queries'); // [S, 1]
  const keys = g.node('Unsqueeze', [index, g.int64('mask.key_axes', [0], [1])], [], 'mask/keys'); // [1, S]
  const causal = g.node('LessOrEqual', [keys, queries], [], 'mask/causal');
  const notPadding = g.node('Cast', [attentionMask], [attr.int('to', OnnxDataType.BOOL)], 'mask/not_padding');
  const keyAllowed = g.node('Unsqueeze', [notPadding, g.int64('mask.padding_axes', [1, 2])], [], 'mask/padding'); // [B, 1, 1, S]
  const allowed = g.node('And', [causal, keyAllowed], [], 'mask/allowed');
  const blockedScore = g.constant('mask.blocked_score', [LOWEST[compute]]);

  const encoded = addEncoderLayers(g, w, embedded, config, { allowed, blockedScore });
  const hidden = w.layerNorm('final_layer_norm', encoded);

  // Pooling at the end token: CLIP's end token has the largest id, so argmax finds it (Hugging Face casts to
  // int32 first, as ArgMax kernels rarely take int64).
  const ids32 = g.node('Cast', [inputIds], [attr.int('to', OnnxDataType.INT32)], 'pooler/ids_int32');
  const endPosition = g.node('ArgMax', [ids32], [attr.int('axis', -1), attr.int('keepdims', 1)], 'pooler/end_position'); // [B, 1]
  const pooled = g.node('GatherND', [hidden, endPosition], [attr.int('batch_dims', 1)], 'pooler/end_token'); // [B, width]
  const projected = g.node('MatMul', [pooled, w.random('text_projection.weight', [width, projectionDim], 1 / Math.sqrt(width))], [], 'text_projection');

  const lastHiddenState = 'last_hidden_state';
  const textEmbeds = 'text_embeds';
  float32Output(g, compute, projected, textEmbeds);
  float32Output(g, compute, hidden, lastHiddenState);

  const graph = g.toGraph(
    'clip_text_random_weights',
    [tensorValueInfo(inputIds, 'int64', ['batch_size', 'sequence_length']), tensorValueInfo(attentionMask, 'int64', ['batch_size', 'sequence_length'])],
    [tensorValueInfo(textEmbeds, 'float32', ['batch_size', projectionDim]), tensorValueInfo(lastHiddenState, 'float32', ['batch_size', 'sequence_length', width])],
    'CLIP text tower with seeded random weights (not a trained model).',
  );
  return encodeTower(graph, options, config);
}
