/**
 * The parts CLIP's vision and text towers share: seeded weight initialisers and the stack of pre-LayerNorm
 * transformer blocks (multi-head self-attention, then an MLP with quick-GELU), written into a GraphBuilder with
 * Hugging Face's parameter names.
 */
import { attr, GraphBuilder, type FloatPrecision } from './graph-builder.js';
import { encodeModel, OnnxDataType, type GraphMessage } from './onnx-proto.js';
import { fillNormal, mulberry32 } from './prng.js';

/**
 * - `fp32`: float32 weights and compute.
 * - `fp16-weights`: float16 weights cast to float32 at load (half the file; same compute as fp32).
 * - `fp16`: the whole graph computes in float16 (what GPUs run fast); inputs and outputs stay as in fp32.
 */
export type ClipPrecision = 'fp32' | 'fp16-weights' | 'fp16';

export interface TransformerShape {
  width: number;
  layers: number;
  heads: number;
  mlpWidth: number;
  layerNormEpsilon: number;
}

/** A tower's transformer plus the size of the embedding it projects to. */
export interface ClipTowerShape extends TransformerShape {
  projectionDim: number;
}

export interface TowerOptions {
  precision: ClipPrecision;
  seed: number;
}

const OPSET_VERSION = 17; // LayerNormalization and Shape(start, end) need >= 17 / 15
const IR_VERSION = 8; // the IR version that goes with opset 17

/** Parameters of `layers` encoder layers: attention (q, k, v, out with biases), two LayerNorms, the MLP. */
export function encoderParameterCount(shape: TransformerShape): number {
  const { width, layers, mlpWidth } = shape;
  return layers * (4 * (width * width + width) + 2 * 2 * width + (width * mlpWidth + mlpWidth) + (mlpWidth * width + width));
}

/** A graph builder computing at the options' precision, and seeded weights stored at it. */
export function startTower(shape: TransformerShape, options: TowerOptions): { g: GraphBuilder; w: WeightMaker; compute: FloatPrecision } {
  const compute: FloatPrecision = options.precision === 'fp16' ? 'float16' : 'float32';
  const storage: FloatPrecision = options.precision === 'fp32' ? 'float32' : 'float16';
  const g = new GraphBuilder(compute);
  return { g, w: weightMaker(g, storage, mulberry32(options.seed), shape), compute };
}

/** Names `x` as the graph output `name`, float32 whatever the compute precision (as the optimum exports are). */
export function float32Output(g: GraphBuilder, compute: FloatPrecision, x: string, name: string): void {
  if (compute === 'float32') g.node('Identity', [x], [], `${name}/identity`, name);
  else g.node('Cast', [x], [attr.int('to', OnnxDataType.FLOAT)], `${name}/cast`, name);
}

/** The `.onnx` bytes of a tower, with metadata saying its weights are random and how it was made. */
export function encodeTower(graph: GraphMessage, options: TowerOptions, config: ClipTowerShape, extraMetadata: { key: string; value: string }[] = []): Uint8Array {
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
      ...extraMetadata,
      { key: 'config', value: JSON.stringify(config) },
    ],
  });
}

export interface WeightMaker {
  /** N(0, std²) values, stored at the storage precision. */
  random(name: string, dims: number[], std: number): string;
  filled(name: string, dims: number[], value: number): string;
  /** x·W (+ b), with W [fanIn, fanOut] of std 1/sqrt(fanIn). */
  linear(name: string, x: string, fanIn: number, fanOut: number, bias: boolean): string;
  /** LayerNormalization over the last axis with weight 1 and bias 0 (CLIP's initialisation). */
  layerNorm(name: string, x: string): string;
}

/**
 * Matrix weights use std 1/sqrt(fan_in) so activations stay O(1) through the layers (finite in float16, and
 * inputs give clearly different outputs); embeddings and biases use CLIP's usual N(0, 0.02) at the call site.
 */
export function weightMaker(g: GraphBuilder, storage: FloatPrecision, uniform: () => number, shape: Pick<TransformerShape, 'width' | 'layerNormEpsilon'>): WeightMaker {
  const size = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);
  const random = (name: string, dims: number[], std: number): string => g.weight(name, dims, fillNormal(new Float32Array(size(dims)), std, uniform), storage);
  const filled = (name: string, dims: number[], value: number): string => g.weight(name, dims, new Float32Array(size(dims)).fill(value), storage);
  return {
    random,
    filled,
    linear: (name, x, fanIn, fanOut, bias) => {
      const y = g.node('MatMul', [x, random(`${name}.weight`, [fanIn, fanOut], 1 / Math.sqrt(fanIn))], [], `${name}/MatMul`);
      return bias ? g.node('Add', [y, random(`${name}.bias`, [fanOut], 0.02)], [], `${name}/Add`) : y;
    },
    layerNorm: (name, x) =>
      g.node(
        'LayerNormalization',
        [x, filled(`${name}.weight`, [shape.width], 1), filled(`${name}.bias`, [shape.width], 0)],
        [attr.int('axis', -1), attr.float('epsilon', shape.layerNormEpsilon)],
        name,
      ),
  };
}

export interface AttentionMask {
  /** bool, broadcastable to the scores [batch, heads, queries, keys]: true where a query may attend to a key. */
  allowed: string;
  /** The score given to a forbidden pair: the lowest finite value of the compute precision, as Hugging Face uses. */
  blockedScore: string;
}

/** Adds `shape.layers` encoder layers (`encoder.layers.N.*`) on x [batch, tokens, width]; returns their output. */
export function addEncoderLayers(g: GraphBuilder, w: WeightMaker, input: string, shape: TransformerShape, mask?: AttentionMask): string {
  const { width, heads, mlpWidth } = shape;
  if (width % heads !== 0) throw new Error(`width ${width} is not a multiple of heads ${heads}`);
  const headDim = width / heads;
  const headsShape = g.int64('attention.heads_shape', [0, 0, heads, headDim]);
  const mergedShape = g.int64('attention.merged_shape', [0, 0, width]);
  const queryScale = g.constant('attention.scale', [headDim ** -0.5]);
  const geluAlpha = g.constant('mlp.quick_gelu_alpha', [1.702]);

  let x = input;
  for (let layer = 0; layer < shape.layers; layer++) {
    const p = `encoder.layers.${layer}`;
    // Multi-head self-attention.
    const h = w.layerNorm(`${p}.layer_norm1`, x);
    const splitHeads = (t: string, name: string, perm: number[]): string =>
      g.node('Transpose', [g.node('Reshape', [t, headsShape], [], `${name}/split_heads`)], [attr.ints('perm', perm)], `${name}/transpose`);
    const qScaled = g.node('Mul', [w.linear(`${p}.self_attn.q_proj`, h, width, width, true), queryScale], [], `${p}.self_attn/scale`);
    const q = splitHeads(qScaled, `${p}.self_attn.q`, [0, 2, 1, 3]); // [B, H, T, d]
    const kT = splitHeads(w.linear(`${p}.self_attn.k_proj`, h, width, width, true), `${p}.self_attn.k`, [0, 2, 3, 1]); // [B, H, d, T]
    const v = splitHeads(w.linear(`${p}.self_attn.v_proj`, h, width, width, true), `${p}.self_attn.v`, [0, 2, 1, 3]);
    let scores = g.node('MatMul', [q, kT], [], `${p}.self_attn/scores`);
    if (mask) scores = g.node('Where', [mask.allowed, scores, mask.blockedScore], [], `${p}.self_attn/mask`);
    const probs = g.node('Softmax', [scores], [attr.int('axis', -1)], `${p}.self_attn/softmax`);
    const context = g.node('MatMul', [probs, v], [], `${p}.self_attn/context`);
    const merged = g.node(
      'Reshape',
      [g.node('Transpose', [context], [attr.ints('perm', [0, 2, 1, 3])], `${p}.self_attn/merge_transpose`), mergedShape],
      [],
      `${p}.self_attn/merge_heads`,
    );
    x = g.node('Add', [x, w.linear(`${p}.self_attn.out_proj`, merged, width, width, true)], [], `${p}/residual1`);

    // MLP with quick_gelu: y * sigmoid(1.702 y).
    const m = w.linear(`${p}.mlp.fc1`, w.layerNorm(`${p}.layer_norm2`, x), width, mlpWidth, true);
    const gate = g.node('Sigmoid', [g.node('Mul', [m, geluAlpha], [], `${p}.mlp/gelu_scale`)], [], `${p}.mlp/gelu_sigmoid`);
    const activated = g.node('Mul', [m, gate], [], `${p}.mlp/quick_gelu`);
    x = g.node('Add', [x, w.linear(`${p}.mlp.fc2`, activated, mlpWidth, width, true)], [], `${p}/residual2`);
  }
  return x;
}
