import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOddModel } from '../../../test/fixtures/models/odd-models.js';
import { writeTinyClipModel } from '../../../test/fixtures/models/tiny-clip.js';
import { CLIP_PREPROCESSING_REVISION } from '../decode/clip-preprocess.js';
import { OnnxClipEmbedder } from './onnx-clip-embedder.js';

const DIM = 512;
let dir: string;
let modelPath: string;
let embedder: OnnxClipEmbedder;
/** Five decodable images and, at index 3, a corrupt one. */
let paths: string[];
const CORRUPT_INDEX = 3;

async function writeImage(name: string, width: number, height: number, pixel: (x: number, y: number) => number[], channels: 1 | 3 = 3): Promise<string> {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * channels);
  const path = join(dir, name);
  await sharp(data, { raw: { width, height, channels } }).toFile(path);
  return path;
}

const norm = (row: Float32Array): number => Math.hypot(...row);
const row = (vectors: Float32Array, i: number): Float32Array => vectors.subarray(i * DIM, (i + 1) * DIM);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-clip-'));
  modelPath = await writeTinyClipModel(join(dir, 'tiny.onnx'));
  const corrupt = join(dir, 'corrupt.jpg');
  await writeFile(corrupt, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
  paths = [
    await writeImage('red.png', 64, 48, () => [220, 30, 30]),
    await writeImage('gradient.jpg', 300, 200, (x, y) => [x % 256, y % 256, 128]),
    await writeImage('checker.png', 96, 96, (x, y) => ((Math.floor(x / 12) + Math.floor(y / 12)) % 2 ? [255, 255, 255] : [0, 0, 0])),
    corrupt,
    await writeImage('grey.png', 28, 28, (x) => [x * 9], 1),
    await writeImage('stripes.webp', 120, 80, (x) => (x % 20 < 10 ? [20, 200, 40] : [10, 10, 90])),
  ];
  embedder = await OnnxClipEmbedder.load(modelPath, { id: 'test-tiny', name: 'Tiny CLIP', providers: ['cpu'], batchSize: 4 });
});
afterAll(async () => {
  await embedder?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('OnnxClipEmbedder', () => {
  it('describes itself with the output dimension and the provider in use', () => {
    expect(embedder.info).toEqual({ id: 'test-tiny', name: 'Tiny CLIP', dim: DIM, executionProvider: 'cpu', preprocessing: CLIP_PREPROCESSING_REVISION });
    expect(embedder.batchSize).toBe(4);
  });

  it('embeds the decodable images as unit rows and reports the corrupt one by name', async () => {
    const { vectors, failed } = await embedder.embedFiles(paths);
    expect(vectors.length).toBe(paths.length * DIM);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.index).toBe(CORRUPT_INDEX);
    expect(failed[0]?.reason).toContain(paths[CORRUPT_INDEX]);
    for (let i = 0; i < paths.length; i++) {
      if (i === CORRUPT_INDEX) expect(row(vectors, i).every((v) => v === 0)).toBe(true);
      else expect(norm(row(vectors, i))).toBeCloseTo(1, 5);
    }
    expect(row(vectors, 0)).not.toEqual(row(vectors, 1));
  });

  it('gives an image the same vector alone as after a failed image in a batch', async () => {
    const together = await embedder.embedFiles(paths);
    for (const i of [0, CORRUPT_INDEX + 1, paths.length - 1]) {
      const alone = await embedder.embedFiles([paths[i] as string]);
      const a = row(alone.vectors, 0);
      const b = row(together.vectors, i);
      expect(Math.max(...a.map((v, k) => Math.abs(v - (b[k] as number))))).toBeLessThan(1e-4);
    }
  });

  it('splits decode from inference and accepts more images than its batch size', async () => {
    const many = [...paths, ...paths].filter((_, i) => i % paths.length !== CORRUPT_INDEX);
    const prepared = await embedder.prepare(many);
    expect(prepared.size).toBe(10);
    const { vectors, failed } = await prepared.embed();
    expect(failed).toEqual([]);
    expect(norm(row(vectors, 9))).toBeCloseTo(1, 5);
    await expect(prepared.embed()).rejects.toThrow('already embedded');
  });

  it('stops decoding when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(embedder.prepare(paths, controller.signal)).rejects.toThrow('user cancelled');
  });

  it('runs inference in a worker thread, with the same results as on the calling thread', async () => {
    expect(embedder.inferenceThread).toBe('worker');
    const inThread = await OnnxClipEmbedder.load(modelPath, { id: 'x', name: 'x', providers: ['cpu'], inferenceThread: 'main' });
    try {
      expect(inThread.inferenceThread).toBe('main');
      const [a, b] = await Promise.all([embedder.embedFiles(paths), inThread.embedFiles(paths)]);
      expect(Math.max(...a.vectors.map((v, i) => Math.abs(v - (b.vectors[i] as number))))).toBeLessThan(1e-5);
    } finally {
      await inThread.close();
    }
  });

  it('decodes in child processes with the same vectors as in this process, and ends them on close', async () => {
    const pooled = await OnnxClipEmbedder.load(modelPath, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, decodeProcesses: 2 });
    const here = await OnnxClipEmbedder.load(modelPath, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, decodeProcesses: 0 });
    let pids: number[];
    try {
      const [a, b] = await Promise.all([pooled.embedFiles(paths), here.embedFiles(paths)]);
      pids = pooled.decodeProcessIds;
      expect(pids.length).toBeGreaterThan(0);
      expect(here.decodeProcessIds).toEqual([]);
      // libvips keeps one error buffer per process, so a long-lived decoder may append earlier lines: compare who failed.
      expect(a.failed.map((f) => f.index)).toEqual(b.failed.map((f) => f.index));
      for (const failure of a.failed) expect(failure.reason).toContain(paths[failure.index]);
      expect(a.vectors).toEqual(b.vectors);
    } finally {
      await Promise.all([pooled.close(), here.close()]);
    }
    const single = await OnnxClipEmbedder.load(modelPath, { id: 'x', name: 'x', providers: ['cpu'], decodeProcesses: 2 });
    try {
      await single.embedFiles(paths.slice(0, 1));
      expect(single.decodeProcessIds).toEqual([]); // one image: no process started for it
    } finally {
      await single.close();
    }
    const alive = pids.filter((pid) => {
      try {
        return process.kill(pid, 0);
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });

  it('runs a model that takes RGB bytes and normalises in its graph, with the same vectors as the float model', async () => {
    const bytesModel = await writeTinyClipModel(join(dir, 'tiny-uint8.onnx'), { uint8Input: true });
    const bytesEmbedder = await OnnxClipEmbedder.load(bytesModel, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4 });
    try {
      expect(bytesEmbedder.notices).toEqual([]);
      const [a, b] = await Promise.all([bytesEmbedder.embedFiles(paths), embedder.embedFiles(paths)]);
      // libvips keeps one error buffer per process, so a long-lived decoder may append earlier lines: compare who failed.
      expect(a.failed.map((f) => f.index)).toEqual(b.failed.map((f) => f.index));
      for (const failure of a.failed) expect(failure.reason).toContain(paths[failure.index]);
      expect(Math.max(...a.vectors.map((v, i) => Math.abs(v - (b.vectors[i] as number))))).toBeLessThan(1e-4);
    } finally {
      await bytesEmbedder.close();
    }
  });

  it('runs a float-input model from RGB bytes through its cached rewrite, with the same vectors', async () => {
    const cacheDir = join(dir, 'rgb-cache');
    const rewritten = await OnnxClipEmbedder.load(modelPath, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, rgbInputCacheDir: cacheDir });
    try {
      expect(rewritten.loadedModel).toEqual({ path: expect.stringContaining(cacheDir), rewritten: true });
      expect(embedder.loadedModel).toEqual({ path: modelPath, rewritten: false });
      // Run from floats, the user is told so and why; from the copy, nothing is said.
      expect(rewritten.notices).toEqual([]);
      expect(embedder.notices).toEqual(['Tiny CLIP runs from normalised floats, without an RGB-input copy (slower, most of all on a GPU): no RGB-input copy was asked for']);
      const [a, b] = await Promise.all([rewritten.embedFiles(paths), embedder.embedFiles(paths)]);
      expect(a.failed.map((f) => f.index)).toEqual(b.failed.map((f) => f.index));
      expect(Math.max(...a.vectors.map((v, i) => Math.abs(v - (b.vectors[i] as number))))).toBeLessThan(1e-4);
    } finally {
      await rewritten.close();
    }

    // A damaged copy: the model itself is loaded instead, and the copy removed so that the next load makes it again.
    const copy = rewritten.loadedModel.path;
    await writeFile(copy, 'damaged');
    const fallback = await OnnxClipEmbedder.load(modelPath, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, rgbInputCacheDir: cacheDir });
    try {
      expect(fallback.loadedModel).toEqual({ path: modelPath, rewritten: false, reason: expect.stringContaining(`its RGB-input copy ${copy} did not load`) });
      expect((await fallback.embedFiles(paths.slice(0, 2))).failed).toEqual([]);
    } finally {
      await fallback.close();
    }
    expect(existsSync(copy)).toBe(false);
  });

  it('runs a float16-input model through its rewrite, and refuses it with the reason without one', async () => {
    const half = await writeOddModel(join(dir, 'half-input.onnx'), { inputName: 'pixel_values', inputShape: ['batch', 3, 224, 224], outputName: 'image_embeds', reduceToTwoDims: true, inputType: 'float16' });
    await expect(OnnxClipEmbedder.load(half, { id: 'x', name: 'x', providers: ['cpu'], inferenceThread: 'main' })).rejects.toThrow(/input pixel_values float16\[batch,3,224,224\] must be a float32 tensor/);
    const rewritten = await OnnxClipEmbedder.load(half, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, rgbInputCacheDir: join(dir, 'rgb-half') });
    try {
      expect(rewritten.loadedModel.rewritten).toBe(true);
      const { vectors, failed } = await rewritten.embedFiles([paths[0] as string]);
      expect(failed).toEqual([]);
      // The model is the mean colour per channel: a red image gives a large first (normalised red) component.
      expect(vectors[0]).toBeGreaterThan(0.5);
    } finally {
      await rewritten.close();
    }

    // A damaged copy: the model cannot run from floats, so the load fails saying both why; the copy is removed,
    // so that the next load makes it again instead of failing forever.
    const copy = rewritten.loadedModel.path;
    await writeFile(copy, 'damaged');
    const attempt = OnnxClipEmbedder.load(half, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, rgbInputCacheDir: join(dir, 'rgb-half') });
    await expect(attempt).rejects.toThrow(`${half} is not a CLIP vision model this app can run`);
    await expect(attempt).rejects.toThrow(`(and its RGB-input copy ${copy} did not load: `);
    const remade = await OnnxClipEmbedder.load(half, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, rgbInputCacheDir: join(dir, 'rgb-half') });
    try {
      expect(remade.loadedModel).toEqual({ path: copy, rewritten: true });
    } finally {
      await remade.close();
    }
  });

  it('runs a model whose input dimensions are all named, as optimum exports them, from floats and through its rewrite', async () => {
    const named = await writeOddModel(join(dir, 'named-dims.onnx'), { inputName: 'pixel_values', inputShape: ['batch_size', 'num_channels', 'height', 'width'], outputName: 'image_embeds', reduceToTwoDims: true });
    for (const rgbInputCacheDir of [undefined, join(dir, 'rgb-named')]) {
      const loaded = await OnnxClipEmbedder.load(named, { id: 'x', name: 'x', providers: ['cpu'], batchSize: 4, inferenceThread: 'main', ...(rgbInputCacheDir ? { rgbInputCacheDir } : {}) });
      try {
        expect(loaded.loadedModel.rewritten).toBe(rgbInputCacheDir !== undefined);
        const { vectors, failed } = await loaded.embedFiles([paths[0] as string]);
        expect(failed).toEqual([]);
        // The model is the mean colour per channel: a red image gives a large first (normalised red) component.
        expect(vectors[0]).toBeGreaterThan(0.5);
      } finally {
        await loaded.close();
      }
    }
  });

  it('falls back to the CPU with the default providers when WebGPU is unavailable', async () => {
    const fallback = await OnnxClipEmbedder.load(modelPath, { id: 'x', name: 'x' });
    try {
      expect(['cpu', 'webgpu']).toContain(fallback.info.executionProvider);
      if (fallback.info.executionProvider === 'cpu') expect(fallback.skippedProviders[0]?.provider).toBe('webgpu');
    } finally {
      await fallback.close();
    }
  });
});

describe('OnnxClipEmbedder.load checks the model', () => {
  // The signature checks run on the calling thread here (faster to start); the not-ONNX case crosses from the worker.
  const load = (path: string, inferenceThread: 'main' | 'worker' = 'main'): Promise<OnnxClipEmbedder> =>
    OnnxClipEmbedder.load(path, { id: 'x', name: 'x', providers: ['cpu'], inferenceThread });

  it('names a missing file', async () => {
    const missing = join(dir, 'nope.onnx');
    await expect(load(missing)).rejects.toThrow(`Model file not found: ${missing}`);
  });

  it('names a file that is not ONNX', async () => {
    const png = join(dir, 'red.png');
    await expect(load(png, 'worker')).rejects.toThrow(`Cannot load ${png} as an ONNX model`);
  });

  it.each([
    ['an input with another name', { inputName: 'images', inputShape: ['b', 3, 224, 224], outputName: 'image_embeds', reduceToTwoDims: true }, /inputs are images float32\[b,3,224,224\]; expected one input, pixel_values/],
    ['a one-channel input', { inputName: 'pixel_values', inputShape: ['b', 1, 224, 224], outputName: 'image_embeds', reduceToTwoDims: true }, /must have 4 dimensions \[batch, 3, height, width\]/],
    ['another image size', { inputName: 'pixel_values', inputShape: ['b', 3, 336, 336], outputName: 'image_embeds', reduceToTwoDims: true }, /must take 224×224 images/],
    ['no image_embeds output', { inputName: 'pixel_values', inputShape: ['b', 3, 224, 224], outputName: 'pooled', reduceToTwoDims: true }, /has no image_embeds output \(outputs: pooled float32\[b,3\]\)/],
    ['a 4-D image_embeds', { inputName: 'pixel_values', inputShape: ['b', 3, 224, 224], outputName: 'image_embeds' }, /output image_embeds float32\[b,3,224,224\] must be a float32 tensor with 2 dimensions/],
  ])('rejects a model with %s', async (_, spec, message) => {
    const path = await writeOddModel(join(dir, `odd-${spec.inputName}-${spec.outputName}-${String(spec.inputShape)}.onnx`), spec);
    const attempt = load(path);
    await expect(attempt).rejects.toThrow(`${path} is not a CLIP vision model this app can run`);
    await expect(attempt).rejects.toThrow(message);
  });
});
