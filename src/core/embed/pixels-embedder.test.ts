import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaResizeRgb, PIXELS_EMBEDDER_INFO, PixelsEmbedder } from './pixels-embedder.js';

const DIM = PIXELS_EMBEDDER_INFO.dim;
let dir: string;
const embedder = new PixelsEmbedder(8);

async function writeImage(name: string, width: number, height: number, pixel: (x: number, y: number) => number[], channels: 1 | 3 = 3): Promise<string> {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * channels);
  const path = join(dir, name);
  await sharp(data, { raw: { width, height, channels } }).png().toFile(path);
  return path;
}

const disc = (cx: number, cy: number, r: number, inside: number[], outside: number[]) => (x: number, y: number) =>
  (x - cx) ** 2 + (y - cy) ** 2 < r * r ? inside : outside;
const cosine = (v: Float32Array, i: number, j: number): number => {
  let dot = 0;
  for (let k = 0; k < DIM; k++) dot += (v[i * DIM + k] as number) * (v[j * DIM + k] as number);
  return dot;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixels-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PixelsEmbedder', () => {
  it('is the weight-free pixels-v1 embedder', () => {
    expect(embedder.info).toEqual({ id: 'pixels-v1', name: 'Basic pixels embedder (no model)', dim: 256 + 48, executionProvider: 'none' });
  });

  it('puts similar images closer together than different ones', async () => {
    const paths = [
      await writeImage('disc.png', 64, 64, disc(32, 32, 16, [250, 250, 250], [10, 10, 10])),
      await writeImage('disc-shifted-dimmer.png', 80, 80, disc(41, 39, 20, [220, 220, 220], [25, 25, 25])),
      await writeImage('bars.png', 64, 64, (x) => (x % 16 < 8 ? [250, 250, 250] : [10, 10, 10])),
      await writeImage('disc-red.png', 64, 64, disc(32, 32, 16, [250, 40, 40], [10, 10, 10])),
      await writeImage('blue-field.png', 64, 64, () => [20, 40, 230]),
    ];
    const { vectors, failed } = await embedder.embedFiles(paths);
    expect(failed).toEqual([]);
    for (let i = 0; i < paths.length; i++) expect(Math.sqrt(cosine(vectors, i, i))).toBeCloseTo(1, 5);
    // Same shape, slightly moved and dimmed, beats a different shape...
    expect(cosine(vectors, 0, 1)).toBeGreaterThan(cosine(vectors, 0, 2) + 0.2);
    // ...same shape in another colour sits between the two...
    expect(cosine(vectors, 0, 3)).toBeLessThan(cosine(vectors, 0, 1) + 0.05);
    expect(cosine(vectors, 0, 3)).toBeGreaterThan(cosine(vectors, 0, 2));
    // ...and a flat colour field is far from all of them.
    expect(cosine(vectors, 4, 0)).toBeLessThan(cosine(vectors, 0, 1));
  });

  it('handles grayscale images, blank images and corrupt files', async () => {
    const grey = await writeImage('grey-28.png', 28, 28, (x, y) => [(x * y) % 256], 1);
    const blank = await writeImage('blank.png', 10, 10, () => [128, 128, 128]);
    const corrupt = join(dir, 'corrupt.png');
    await writeFile(corrupt, Buffer.from('\x89PNG\r\n\x1a\n truncated'));
    const { vectors, failed } = await embedder.embedFiles([grey, corrupt, blank]);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ index: 1 });
    expect(failed[0]?.reason).toContain(corrupt);
    expect(vectors.every(Number.isFinite)).toBe(true);
    expect(Math.sqrt(cosine(vectors, 0, 0))).toBeCloseTo(1, 5);
    expect(Math.sqrt(cosine(vectors, 2, 2))).toBeCloseTo(1, 5); // blank: no structure, still a unit vector
  });
});

describe('areaResizeRgb', () => {
  it('averages whole blocks when the size divides evenly', () => {
    const rgb = new Uint8Array(4 * 2 * 3);
    // 4×2 image: left 2×2 block red 100, right block red 200.
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) rgb[(y * 4 + x) * 3] = x < 2 ? 100 : 200;
    expect(Array.from(areaResizeRgb(rgb, 4, 2, 2))).toEqual([100, 0, 0, 200, 0, 0, 100, 0, 0, 200, 0, 0]);
  });

  it('weights partly covered pixels by area (28 → 16 keeps the mean)', () => {
    const side = 28;
    const rgb = new Uint8Array(side * side * 3);
    for (let i = 0; i < side * side; i++) rgb.set([i % 256, (i * 7) % 256, 50], i * 3);
    const out = areaResizeRgb(rgb, side, side, 16);
    const mean = (a: Uint8Array, channel: number): number => {
      let sum = 0;
      for (let i = channel; i < a.length; i += 3) sum += a[i] as number;
      return sum / (a.length / 3);
    };
    for (const channel of [0, 1, 2]) expect(mean(out, channel)).toBeCloseTo(mean(rgb, channel), 0);
  });
});
