import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeClipRgb } from './clip-preprocess.js';
import { ImageDecodeError } from './image-decode-error.js';
import { makeThumbnail } from './thumbnail.js';
import sharp from 'sharp';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'open-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An uncompressed 24-bit bottom-up BMP (BITMAPINFOHEADER) of width×height filled by `pixel`. */
function bmp24(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const dataOffset = 54;
  const file = Buffer.alloc(dataOffset + stride * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(dataOffset, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (height - 1 - y) * stride; // bottom-up
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      file.set([b, g, r], row + x * 3);
    }
  }
  return file;
}

describe('BMP images', () => {
  it('go through the dataset BMP decoder into the CLIP pipeline, the right way up', async () => {
    const path = join(dir, 'top-red.bmp');
    await writeFile(path, bmp24(30, 20, (_, y) => (y < 10 ? [255, 0, 0] : [0, 0, 255])));
    const rgb = await decodeClipRgb(path);
    const at = (x: number, y: number): number[] => Array.from(rgb.subarray((y * 224 + x) * 3, (y * 224 + x) * 3 + 3));
    expect(at(112, 10)).toEqual([255, 0, 0]);
    expect(at(112, 210)).toEqual([0, 0, 255]);
  });

  it('get thumbnails', async () => {
    const path = join(dir, 'small.bmp');
    await writeFile(path, bmp24(7, 5, () => [10, 20, 30]));
    const meta = await sharp(await makeThumbnail(path, 64)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 7, 5]);
  });

  it('that are truncated fail with an error naming the file', async () => {
    const path = join(dir, 'truncated.bmp');
    await writeFile(path, bmp24(30, 20, () => [1, 2, 3]).subarray(0, 200));
    const attempt = decodeClipRgb(path);
    await expect(attempt).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(attempt).rejects.toThrow(`Cannot decode image ${path}: BMP is truncated`);
  });
});
