import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensorValueInfo } from '../../../scripts/onnx/graph-builder.js';
import { decodeModel, encodeModel, OnnxDataType } from '../../../scripts/onnx/onnx-proto.js';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { CLIP_FLOATS_PER_IMAGE, CLIP_IMAGE_SIZE_PX, CLIP_MEAN, CLIP_STD, writeNormalisedChw } from '../decode/clip-preprocess.js';
import { toFloat16Array } from './float16.js';
import { concat } from './protobuf-wire.js';
import { RGB_INPUT_METADATA_KEY, rewriteToRgbInput, RgbRewriteUnsupported, WireFormatError } from './rgb-input-rewrite.js';

const CLIP = { imageSizePx: CLIP_IMAGE_SIZE_PX, mean: CLIP_MEAN, std: CLIP_STD };
const SIDE = CLIP_IMAGE_SIZE_PX;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dh-rgb-rewrite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function randomImages(count: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(count * CLIP_FLOATS_PER_IMAGE);
  let state = seed;
  for (let i = 0; i < rgb.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    rgb[i] = state >>> 24;
  }
  return rgb;
}

async function embed(model: Uint8Array, input: ort.Tensor, output = 'image_embeds'): Promise<{ values: Float32Array; session: ort.InferenceSession }> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const result = (await session.run({ pixel_values: input }, [output]))[output] as ort.Tensor;
  return { values: Float32Array.from(result.data as Float32Array), session };
}

function normalised(rgb: Uint8Array, count: number): Float32Array {
  const floats = new Float32Array(count * CLIP_FLOATS_PER_IMAGE);
  for (let i = 0; i < count; i++) writeNormalisedChw(rgb.subarray(i * CLIP_FLOATS_PER_IMAGE, (i + 1) * CLIP_FLOATS_PER_IMAGE), floats, i * CLIP_FLOATS_PER_IMAGE);
  return floats;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((most, v, i) => Math.max(most, Math.abs(v - (b[i] as number))), 0);

/** A float16-input image model: GlobalAveragePool of the pixels, as [batch, 3]. */
function float16InputModel(options: { opset?: number; channels?: number } = {}): Uint8Array {
  return encodeModel({
    ir_version: 8,
    producer_name: 'test',
    producer_version: '1',
    opset_import: [{ domain: '', version: options.opset ?? 17 }],
    graph: {
      name: 'mean_colour',
      node: [
        { input: ['pixel_values'], output: ['as_float'], name: 'cast', op_type: 'Cast', attribute: [{ name: 'to', i: OnnxDataType.FLOAT, type: 2 }] },
        { input: ['as_float'], output: ['pooled'], name: 'pool', op_type: 'GlobalAveragePool', attribute: [] },
        { input: ['pooled'], output: ['image_embeds'], name: 'flatten', op_type: 'Flatten', attribute: [{ name: 'axis', i: 1, type: 2 }] },
      ],
      initializer: [],
      input: [tensorValueInfo('pixel_values', 'float16', ['batch', options.channels ?? 3, SIDE, SIDE])],
      output: [tensorValueInfo('image_embeds', 'float32', ['batch', options.channels ?? 3])],
    },
  });
}

describe('rewriteToRgbInput', () => {
  it.each(['fp32', 'fp16'] as const)('turns a float-input %s CLIP tower into one that takes RGB bytes and gives the same embeddings', async (precision) => {
    const original = await readFile(await writeTinyClipModel(join(dir, `tiny-${precision}.onnx`), { precision }));
    const { parts, originalInputType } = rewriteToRgbInput(original, 'pixel_values', CLIP);
    expect(originalInputType).toBe('float32');
    const rewritten = concat(parts);

    const images = 3;
    const rgb = randomImages(images, 7);
    const before = await embed(original, new ort.Tensor('float32', normalised(rgb, images), [images, 3, SIDE, SIDE]));
    const after = await embed(rewritten, new ort.Tensor('uint8', rgb, [images, SIDE, SIDE, 3]));
    expect(after.session.inputMetadata).toEqual([expect.objectContaining({ name: 'pixel_values', type: 'uint8', shape: ['batch_size', SIDE, SIDE, 3] })]);
    expect(after.values.length).toBe(before.values.length);
    expect(maxAbsDiff(after.values, before.values)).toBeLessThan(precision === 'fp32' ? 1e-4 : 2e-2);
    await Promise.all([before.session.release(), after.session.release()]);

    // Every original weight is kept byte for byte; the prefix comes first and the metadata says what was done.
    const decoded = decodeModel(rewritten) as { graph: { node: { op_type: string }[]; initializer: { name: string }[] }; metadata_props: { key: string }[] };
    const originalGraph = (decodeModel(original) as { graph: { node: unknown[]; initializer: unknown[] } }).graph;
    expect(decoded.graph.node.slice(0, 4).map((n) => n.op_type)).toEqual(['Transpose', 'Cast', 'Sub', 'Mul']);
    expect(decoded.graph.node.length).toBe(originalGraph.node.length + 4);
    expect(decoded.graph.initializer.length).toBe(originalGraph.initializer.length + 2);
    expect(decoded.metadata_props.map((m) => m.key)).toContain(RGB_INPUT_METADATA_KEY);
  });

  it('casts back to float16 for a model whose input is float16', async () => {
    const original = float16InputModel();
    const { parts, originalInputType } = rewriteToRgbInput(original, 'pixel_values', CLIP);
    expect(originalInputType).toBe('float16');
    const rgb = randomImages(2, 3);
    const before = await embed(original, new ort.Tensor('float16', toFloat16Array(normalised(rgb, 2)), [2, 3, SIDE, SIDE]));
    const after = await embed(concat(parts), new ort.Tensor('uint8', rgb, [2, SIDE, SIDE, 3]));
    expect(maxAbsDiff(after.values, before.values)).toBeLessThan(1e-3);
    const sessionOps = (decodeModel(concat(parts)) as { graph: { node: { op_type: string }[] } }).graph.node.map((n) => n.op_type);
    expect(sessionOps.slice(0, 5)).toEqual(['Transpose', 'Cast', 'Sub', 'Mul', 'Cast']);
  });

  it('refuses what it cannot rewrite, saying why', async () => {
    const uint8 = await readFile(await writeTinyClipModel(join(dir, 'tiny-uint8.onnx'), { uint8Input: true }));
    expect(() => rewriteToRgbInput(uint8, 'pixel_values', CLIP)).toThrow(new RgbRewriteUnsupported("input 'pixel_values' has element type 2, not float32 or float16"));
    expect(() => rewriteToRgbInput(float16InputModel(), 'image', CLIP)).toThrow(/no graph input named 'image'/);
    expect(() => rewriteToRgbInput(float16InputModel({ channels: 1 }), 'pixel_values', CLIP)).toThrow(/has shape \[batch, 1, 224, 224\], not \[batch, 3, 224, 224\]/);
    expect(() => rewriteToRgbInput(float16InputModel({ opset: 6 }), 'pixel_values', CLIP)).toThrow(/opset is 6/);
    const rewritten = concat(rewriteToRgbInput(float16InputModel(), 'pixel_values', CLIP).parts);
    expect(() => rewriteToRgbInput(rewritten, 'pixel_values', CLIP)).toThrow(RgbRewriteUnsupported);
  });

  it('reports bytes that are not an ONNX model as a wire format error', async () => {
    const notOnnx = join(dir, 'not.onnx');
    await writeFile(notOnnx, 'this is plain text, not a model');
    const bytes = new Uint8Array(await readFile(notOnnx));
    expect(() => rewriteToRgbInput(bytes, 'pixel_values', CLIP)).toThrow(WireFormatError);
  });
});
