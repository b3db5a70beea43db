/**
 * Writes photo-like 640×480 JPEGs for decode benchmarks: a sky/ground gradient, soft blobs and hard-edged shapes,
 * a periodic texture and per-pixel noise, so that the files compress like camera photos (~50-150 KB at quality 90)
 * rather than like flat synthetic images, which decode several times faster. Deterministic for a given seed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mapWithConcurrency } from '../../src/core/dataset/concurrency.js';
import { mulberry32 } from '../../src/core/project/prng.js';

export const BENCH_IMAGE_WIDTH_PX = 640;
export const BENCH_IMAGE_HEIGHT_PX = 480;

/** The RGB bytes of image `index` of the set made with `seed`. */
export function photoLikeRgb(seed: number, index: number): Buffer {
  const random = mulberry32((seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
  const width = BENCH_IMAGE_WIDTH_PX;
  const height = BENCH_IMAGE_HEIGHT_PX;
  const rgb = Buffer.alloc(width * height * 3);
  const top = [random() * 255, random() * 255, random() * 255];
  const bottom = [random() * 255, random() * 255, random() * 255];
  const horizon = 0.3 + random() * 0.4;
  const blobs = Array.from({ length: 3 + Math.floor(random() * 4) }, () => ({
    x: random() * width, y: random() * height, r: 40 + random() * 160, colour: [random() * 255, random() * 255, random() * 255],
  }));
  const boxes = Array.from({ length: 2 + Math.floor(random() * 4) }, () => {
    const x0 = random() * width;
    const y0 = random() * height;
    return { x0, y0, x1: x0 + 30 + random() * 200, y1: y0 + 30 + random() * 150, colour: [random() * 255, random() * 255, random() * 255] };
  });
  const textureFreq = 0.05 + random() * 0.25;
  const textureAmp = 8 + random() * 20;
  const noiseAmp = 16 + random() * 20;
  for (let y = 0; y < height; y++) {
    const t = y / height;
    const sky = t < horizon;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const texture = textureAmp * Math.sin(x * textureFreq + Math.sin(y * textureFreq * 0.7) * 3) * (sky ? 0.3 : 1);
      for (let c = 0; c < 3; c++) {
        let v = sky ? (top[c] as number) * (1 - t) + 128 * t : (bottom[c] as number) * (0.6 + t * 0.4);
        for (const blob of blobs) {
          const d2 = ((x - blob.x) ** 2 + (y - blob.y) ** 2) / (blob.r * blob.r);
          if (d2 < 4) v += ((blob.colour[c] as number) - v) * Math.exp(-d2 * 2);
        }
        for (const box of boxes) if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) v = (v + (box.colour[c] as number) * 2) / 3;
        v += texture + (random() - 0.5) * noiseAmp;
        rgb[p + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return rgb;
}

/** Writes `count` JPEGs named img-000000.jpg… into `dir`; returns their total size in bytes. */
export async function makeBenchImages(dir: string, count: number, seed = 1): Promise<{ paths: string[]; totalBytes: number }> {
  await mkdir(dir, { recursive: true });
  let totalBytes = 0;
  const paths = await mapWithConcurrency(
    Array.from({ length: count }, (_, index) => index),
    2,
    async (index) => {
      const path = join(dir, `img-${String(index).padStart(6, '0')}.jpg`);
      const info = await sharp(photoLikeRgb(seed, index), { raw: { width: BENCH_IMAGE_WIDTH_PX, height: BENCH_IMAGE_HEIGHT_PX, channels: 3 } })
        .jpeg({ quality: 90 })
        .toFile(path);
      totalBytes += info.size;
      return path;
    },
  );
  return { paths, totalBytes };
}
