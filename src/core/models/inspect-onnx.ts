/**
 * Checks a model file before it is imported: that onnxruntime can load it, and that its tensors have the shapes
 * of a CLIP tower. Errors name the file and, for a wrong shape, the tensor and what was expected.
 */
import * as ort from 'onnxruntime-node';
import { CLIP_FLOATS_PER_IMAGE, CLIP_IMAGE_SIZE_PX } from '../decode/clip-preprocess.js';
import { TEXT_OUTPUT_NAME, validateClipTextSignature } from '../embed/clip-text-session.js';
import type { TensorSpec } from './catalog.js';

/** Output names exporters give a tower's embedding: optimum, open_clip, OpenAI-style exports. */
const VISION_OUTPUT_NAMES = ['image_embeds', 'embedding', 'image_features', 'embeddings', 'output'];

type Meta = ort.InferenceSession.ValueMetadata;
type TensorMeta = Extract<Meta, { isTensor: true }>;

const describeShape = (shape: readonly (number | string)[]): string => `[${shape.join(', ')}]`;
const describe = (m: Meta): string => (m.isTensor ? `'${m.name}' ${m.type} ${describeShape(m.shape)}` : `'${m.name}' (not a tensor)`);
const toSpec = (m: TensorMeta): TensorSpec => ({ name: m.name, dtype: m.type as TensorSpec['dtype'], shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))) });

async function openSession(path: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(`${path} is not an ONNX model that onnxruntime can load (${reason})`, { cause: error });
  }
}

function pickOutput(path: string, outputs: readonly Meta[], preferred: readonly string[], tower: string): TensorMeta {
  const named = preferred.map((name) => outputs.find((o) => o.name === name)).find((o) => o !== undefined);
  const chosen = named ?? (outputs.length === 1 ? outputs[0] : undefined);
  if (!chosen) throw new Error(`${path}: cannot tell which output is the ${tower} embedding: outputs ${outputs.map(describe).join(', ')}; expected one named ${preferred.slice(0, 3).join(', ')}`);
  if (!chosen.isTensor || (chosen.type !== 'float32' && chosen.type !== 'float16')) throw new Error(`${path}: output ${describe(chosen)} must be a float tensor`);
  if (chosen.shape.length !== 2) throw new Error(`${path}: output ${describe(chosen)} has ${chosen.shape.length} dimensions; expected 2, [batch, dim]`);
  return chosen;
}

export interface VisionTowerFacts {
  input: TensorSpec;
  output: TensorSpec;
  /** Values per image, measured by running one blank image. */
  embeddingDim: number;
}

/** Loads the file on the CPU, checks its image input and embedding output, and runs one blank image through it. */
export async function inspectVisionTower(path: string, expectedDim?: { dim: number; source: string }): Promise<VisionTowerFacts> {
  const session = await openSession(path);
  try {
    const expectedInput = `[batch, 3, ${CLIP_IMAGE_SIZE_PX}, ${CLIP_IMAGE_SIZE_PX}] float32 or float16 (or RGB bytes, [batch, ${CLIP_IMAGE_SIZE_PX}, ${CLIP_IMAGE_SIZE_PX}, 3] uint8)`;
    const [input, ...others] = session.inputMetadata;
    if (!input || others.length > 0) {
      throw new Error(`${path}: expected one input, an image batch ${expectedInput}; it has ${session.inputMetadata.map(describe).join(', ') || 'none'} (export the vision tower alone)`);
    }
    // A float16 input runs through its RGB-input rewrite (src/core/onnx/rgb-input-rewrite.ts), as float32 can.
    if (!input.isTensor || (input.type !== 'float32' && input.type !== 'float16' && input.type !== 'uint8')) throw new Error(`${path}: input ${describe(input)} must be ${expectedInput}`);
    // Floats are normalised CHW; uint8 is RGB bytes the graph normalises itself (HWC).
    const rgbBytes = input.type === 'uint8';
    const [, a, b, c] = input.shape;
    const [channels, height, width] = rgbBytes ? [c, a, b] : [a, b, c];
    const fixedWrong = (dim: number | string | undefined, want: number): boolean => dim === undefined || (typeof dim === 'number' && dim >= 0 && dim !== want);
    if (input.shape.length !== 4 || fixedWrong(channels, 3) || fixedWrong(height, CLIP_IMAGE_SIZE_PX) || fixedWrong(width, CLIP_IMAGE_SIZE_PX)) {
      throw new Error(`${path}: input ${describe(input)} has the wrong shape; expected ${expectedInput}`);
    }
    const output = pickOutput(path, session.outputMetadata, VISION_OUTPUT_NAMES, 'image');
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      const side = CLIP_IMAGE_SIZE_PX;
      const blank = rgbBytes
        ? new ort.Tensor('uint8', new Uint8Array(CLIP_FLOATS_PER_IMAGE), [1, side, side, 3])
        : input.type === 'float16'
          ? new ort.Tensor('float16', new Uint16Array(CLIP_FLOATS_PER_IMAGE), [1, 3, side, side])
          : new ort.Tensor('float32', new Float32Array(CLIP_FLOATS_PER_IMAGE), [1, 3, side, side]);
      result = await session.run({ [input.name]: blank }, [output.name]);
    } catch (error) {
      throw new Error(`${path}: running one image failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`, { cause: error });
    }
    const dims = result[output.name]?.dims ?? [];
    const dim = dims[1];
    if (dims.length !== 2 || dims[0] !== 1 || dim === undefined || dim < 1) {
      throw new Error(`${path}: output '${output.name}' came out with shape ${describeShape(dims)} for one image; expected [1, dim]`);
    }
    if (expectedDim && dim !== expectedDim.dim) {
      throw new Error(`${path}: output '${output.name}' gives ${dim} values per image, but ${expectedDim.source} says ${expectedDim.dim}`);
    }
    return { input: toSpec(input), output: toSpec(output), embeddingDim: dim };
  } finally {
    await session.release();
  }
}

export interface TextTowerFacts {
  inputs: TensorSpec[];
  output: TensorSpec;
}

/**
 * Checks a text tower's signature with the runtime's own check (validateClipTextSignature: `input_ids` and maybe
 * `attention_mask` int64, float32 `text_embeds`), so import never accepts a tower the text side then refuses.
 */
export async function inspectTextTower(path: string): Promise<TextTowerFacts> {
  const session = await openSession(path);
  try {
    validateClipTextSignature(session, path);
    const inputs = session.inputMetadata as TensorMeta[]; // the check above refuses non-tensors
    const output = session.outputMetadata.find((m) => m.name === TEXT_OUTPUT_NAME) as TensorMeta;
    return { inputs: inputs.map(toSpec), output: toSpec(output) };
  } finally {
    await session.release();
  }
}

/**
 * Why the text tower a manifest recorded cannot run here, or null when it can: the same check, asked of the
 * signature recorded at import (imports made before import used it may have recorded towers the runtime refuses).
 */
export function recordedTextTowerProblem(text: TextTowerFacts, path: string): string | null {
  const metadata = (spec: TensorSpec): Meta => ({ name: spec.name, isTensor: true, type: spec.dtype, shape: spec.shape });
  try {
    validateClipTextSignature({ inputMetadata: text.inputs.map(metadata), outputMetadata: [metadata(text.output)] }, path);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
