import { cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, GraphBuilder, tensorValueInfo } from '../../../scripts/onnx/graph-builder.js';
import { encodeModel, OnnxDataType } from '../../../scripts/onnx/onnx-proto.js';
import { writeTinyClipFolder } from '../../../test/fixtures/models/tiny-clip.js';
import { ClipTokenizer, TokenizerFileError } from '../text/clip-tokenizer.js';
import { ClipTextEncoder, loadClipTextTower, TEXT_BATCH_SIZE } from './clip-text-encoder.js';
import { ModelLoadError } from './providers.js';

const CPU = ['cpu'] as const;
/** Most tests load on the calling thread: starting a worker under tsx costs most of a second. */
const IN_THREAD = { providers: CPU, thread: 'main' } as const;
const LONG_TEXT = `a photo of ${'a very '.repeat(40)}large dog`; // > 77 tokens: cut

let dir: string;
let folder: string;
let tokenizer: ClipTokenizer;
let encoder: ClipTextEncoder;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clip-text-'));
  folder = join(dir, 'tiny-clip');
  await writeTinyClipFolder(folder, { fp16: true });
  tokenizer = await ClipTokenizer.load(join(folder, 'merges.txt'));
  encoder = await loadClipTextTower(folder, { providers: CPU });
});
afterAll(async () => {
  await encoder?.close();
  await rm(dir, { recursive: true, force: true });
});

const row = (matrix: Float32Array, index: number, dim = 512): Float32Array => matrix.subarray(index * dim, (index + 1) * dim);
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * (b[i] as number), 0);
const maxDifference = (a: Float32Array, b: Float32Array): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

/** A copy of the tiny model folder (with its fp16 towers), with `change` applied. */
async function variantFolder(name: string, change: (path: string) => Promise<void>): Promise<string> {
  const path = join(dir, name);
  await cp(folder, path, { recursive: true });
  await change(path);
  return path;
}

describe('ClipTextEncoder on the tiny text tower', () => {
  it('loads onnx/text_model.onnx with its dimension and provider, in a worker thread', () => {
    expect(encoder.modelPath).toBe(join(folder, 'onnx/text_model.onnx'));
    expect(encoder.dim).toBe(512);
    expect(encoder.provider).toBe('cpu');
    expect(encoder.thread).toBe('worker');
  });

  it('computes the same embeddings on the calling thread', async () => {
    const inThread = await ClipTextEncoder.load(join(folder, 'onnx/text_model.onnx'), { tokenizer, ...IN_THREAD });
    expect(inThread.thread).toBe('main');
    const texts = ['a photo of a cat', LONG_TEXT];
    expect(await inThread.encode(texts)).toEqual(await encoder.encode(texts));
    await inThread.close();
  });

  it('gives unit-norm rows that are deterministic and differ between texts', async () => {
    const texts = ['a photo of a cat', 'a photo of a dog', 'a diagram'];
    const first = await encoder.encode(texts);
    expect(first.length).toBe(3 * 512);
    for (let i = 0; i < 3; i++) expect(Math.hypot(...row(first, i))).toBeCloseTo(1, 5);
    expect(await encoder.encode(texts)).toEqual(first);
    const reloaded = await ClipTextEncoder.load(join(folder, 'onnx/text_model.onnx'), { tokenizer, ...IN_THREAD });
    expect(await reloaded.encode(texts)).toEqual(first);
    await reloaded.close();
    expect(dot(row(first, 0), row(first, 1))).toBeLessThan(0.999);
    expect(dot(row(first, 0), row(first, 2))).toBeLessThan(0.999);
  });

  it('gives a text the same embedding alone and padded in a batch with a longer (cut) text', async () => {
    const alone = await encoder.encode(['a dog']);
    const padded = await encoder.encode([LONG_TEXT, 'a dog']);
    expect(maxDifference(alone, row(padded, 1))).toBeLessThan(1e-5);
    expect(dot(row(padded, 0), alone)).toBeLessThan(0.999);
  });

  it('splits many texts into batches without changing any row', async () => {
    const texts = Array.from({ length: TEXT_BATCH_SIZE * 2 + 3 }, (_, i) => `a photo of item ${i}`);
    const all = await encoder.encode(texts);
    for (const i of [0, TEXT_BATCH_SIZE, texts.length - 1]) expect(maxDifference(row(all, i), await encoder.encode([texts[i]!]))).toBeLessThan(1e-5);
    expect(await encoder.encode([])).toEqual(new Float32Array(0));
  });

  it('prefers onnx/text_model_fp16.onnx when asked, computing nearly the same embeddings', async () => {
    const fp16 = await loadClipTextTower(folder, { ...IN_THREAD, preferFp16: true });
    expect(fp16.modelPath).toBe(join(folder, 'onnx/text_model_fp16.onnx'));
    const [a, b] = [await fp16.encode(['a photo of a cat']), await encoder.encode(['a photo of a cat'])];
    await fp16.close();
    expect(dot(a, b)).toBeGreaterThan(0.99);
  });

  it('refuses to encode after close', async () => {
    const other = await ClipTextEncoder.load(join(folder, 'onnx/text_model.onnx'), { tokenizer, ...IN_THREAD });
    await other.close();
    await expect(other.encode(['x'])).rejects.toThrow(/closed/);
  });
});

/** A one-node model from int64 input_ids [batch, sequence] to a float32 text_embeds of rank 3. */
async function writeRank3TextModel(path: string): Promise<void> {
  const g = new GraphBuilder('float32');
  g.reserve('input_ids');
  const floats = g.node('Cast', ['input_ids'], [attr.int('to', OnnxDataType.FLOAT)], 'cast');
  g.node('Unsqueeze', [floats, g.int64('axes', [2], [1])], [], 'unsqueeze', 'text_embeds');
  const graph = g.toGraph('rank3', [tensorValueInfo('input_ids', 'int64', ['batch', 'sequence'])], [tensorValueInfo('text_embeds', 'float32', ['batch', 'sequence', 1])]);
  await writeFile(path, encodeModel({ ir_version: 8, producer_name: 'test', producer_version: '1', opset_import: [{ domain: '', version: 17 }], graph }));
}

describe('bad text towers and folders', () => {
  it('names a model file that is not ONNX, from the worker or the calling thread', async () => {
    const path = join(dir, 'not-onnx.onnx');
    await writeFile(path, 'this is not a model');
    const fromWorker = await ClipTextEncoder.load(path, { tokenizer, providers: CPU }).catch((e: unknown) => e);
    expect((fromWorker as Error).name).toBe('ModelLoadError');
    expect((fromWorker as Error).message).toContain(`Cannot load ${path} as an ONNX model`);
    const inThread = await ClipTextEncoder.load(path, { tokenizer, ...IN_THREAD }).catch((e: unknown) => e);
    expect(inThread).toBeInstanceOf(ModelLoadError);
    expect((inThread as Error).message).toBe((fromWorker as Error).message);
  });

  it('names a model with the wrong inputs (an image tower)', async () => {
    const path = join(folder, 'onnx/vision_model.onnx');
    await expect(ClipTextEncoder.load(path, { tokenizer, ...IN_THREAD })).rejects.toThrow(
      new RegExp(`${path} is not a CLIP text model.*inputs are pixel_values float32\\[batch_size,3,224,224\\]; expected input_ids and attention_mask`),
    );
  });

  it('names a model whose output has the wrong shape or the wrong dimension', async () => {
    const rank3 = join(dir, 'rank3.onnx');
    await writeRank3TextModel(rank3);
    await expect(ClipTextEncoder.load(rank3, { tokenizer, ...IN_THREAD })).rejects.toThrow(`${rank3} is not a CLIP text model this app can run: output text_embeds float32[batch,sequence,1] must be a float32 tensor with 2 dimensions`);
    const tiny = join(folder, 'onnx/text_model.onnx');
    await expect(ClipTextEncoder.load(tiny, { tokenizer, ...IN_THREAD, expectedDim: 768 })).rejects.toThrow(`${tiny} is not a CLIP text model this app can run: text_embeds has 512 values per text, but the image embeddings have 768`);
  });

  it('names the folder and the files looked for when the text tower or the tokenizer is missing', async () => {
    const noText = await variantFolder('no-text', async (path) => {
      await unlink(join(path, 'onnx/text_model.onnx'));
      await unlink(join(path, 'onnx/text_model_fp16.onnx'));
    });
    await expect(loadClipTextTower(noText, IN_THREAD)).rejects.toThrow(`Model folder ${noText} has no CLIP text tower (looked for onnx/text_model.onnx, onnx/text_model_fp16.onnx)`);
    const noTokenizer = await variantFolder('no-tokenizer', (path) => unlink(join(path, 'merges.txt')));
    const error = await loadClipTextTower(noTokenizer, IN_THREAD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizerFileError);
    expect((error as Error).message).toBe(`Cannot use ${noTokenizer} as a CLIP tokenizer: the folder has no tokenizer file (looked for merges.txt, tokenizer.json, bpe_simple_vocab_16e6.txt.gz)`);
    await expect(loadClipTextTower(join(dir, 'nowhere'), IN_THREAD)).rejects.toThrow(`Model folder ${join(dir, 'nowhere')} does not exist`);
  });

  it('names a garbled tokenizer file', async () => {
    const garbled = await variantFolder('garbled', (path) => writeFile(join(path, 'merges.txt'), '#version: 0.2\ni n\nt\n'));
    await expect(loadClipTextTower(garbled, IN_THREAD)).rejects.toThrow(`Cannot use ${join(garbled, 'merges.txt')} as a CLIP tokenizer: line 3 is not a merge of two symbols`);
  });

  it('falls back to the fp16 tower when it is the only one', async () => {
    const onlyFp16 = await variantFolder('only-fp16', (path) => unlink(join(path, 'onnx/text_model.onnx')));
    const loaded = await loadClipTextTower(onlyFp16, IN_THREAD);
    expect(loaded.modelPath).toBe(join(onlyFp16, 'onnx/text_model_fp16.onnx'));
    await loaded.close();
  });
});
