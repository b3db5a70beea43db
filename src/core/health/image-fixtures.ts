/** Test images written with sharp into a temp folder, for the pixel-level health tests. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../project/prng.js';

export async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'health-'));
}

export async function writeSolid(dir: string, name: string, width: number, height: number, rgb: [number, number, number]): Promise<string> {
  const file = path.join(dir, name);
  await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(file);
  return file;
}

/** Uniform RGB noise (seeded). */
export function noiseRgb(width: number, height: number, seed: number): Buffer {
  const random = mulberry32(seed);
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 256);
  return data;
}

export async function writeRaw(dir: string, name: string, data: Buffer, width: number, height: number, channels: 1 | 3): Promise<string> {
  const file = path.join(dir, name);
  await sharp(data, { raw: { width, height, channels } }).toFile(file);
  return file;
}

/**
 * A textured grayscale picture: a left-to-right ramp plus an 8-px checkerboard, faded to black over `fadePx` at the
 * borders (CleanVision's edge filter copies border pixels, so a bright border alone reads as "sharp").
 */
export function texturedGray(width: number, height: number, fadePx: number): Buffer {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const fade = Math.min(1, Math.min(x, y, width - 1 - x, height - 1 - y) / fadePx);
      const checker = ((x >> 3) + (y >> 3)) % 2 === 1 ? 40 : -40;
      data[y * width + x] = Math.max(0, Math.min(255, Math.round(((x / width) * 180 + 40 + checker) * fade)));
    }
  }
  return data;
}

export async function writeBytes(dir: string, name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}
