import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIP_FLOATS_PER_IMAGE,
  CLIP_IMAGE_SIZE_PX,
  CLIP_MEAN,
  CLIP_STD,
  clipRgbFromBytes,
  decodeClipRgb,
  preprocessClipInto,
  writeNormalisedChw,
} from './clip-preprocess.js';
import { CoverResizer } from './cover-resize.js';
import { ImageDecodeError } from './image-decode-error.js';
import { readJpegHeader } from './jpeg-header.js';
import { decodeTurboJpeg } from './turbo-jpeg.js';
import { testPhotoRgb } from '../../../test/fixtures/test-photo.js';

const SIZE = CLIP_IMAGE_SIZE_PX;
const normalised = (value: number, channel: number): number =>
  (value / 255 - (CLIP_MEAN[channel] as number)) / (CLIP_STD[channel] as number);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clip-preprocess-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeRgb(name: string, width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Promise<string> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  }
  const path = join(dir, name);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
  return path;
}

/** Centroid of the pixels whose red byte exceeds `threshold`, in the 224×224 RGB output. */
function brightCentroid(rgb: Uint8Array, threshold = 128): { x: number; y: number; count: number } {
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (let i = 0; i < SIZE * SIZE; i++) {
    if ((rgb[i * 3] as number) > threshold) {
      sx += i % SIZE;
      sy += Math.floor(i / SIZE);
      count++;
    }
  }
  return { x: sx / count, y: sy / count, count };
}

/** Within a pixel of the centre: resamplers differ by half a pixel; an off-centre crop is tens of pixels off. */
function expectNearCentre(point: { x: number; y: number }): void {
  expect(Math.abs(point.x - (SIZE - 1) / 2)).toBeLessThanOrEqual(1);
  expect(Math.abs(point.y - (SIZE - 1) / 2)).toBeLessThanOrEqual(1);
}

describe('writeNormalisedChw', () => {
  it('writes (v/255 - mean)/std per channel as CHW planes at the given offset', () => {
    const rgb = new Uint8Array(CLIP_FLOATS_PER_IMAGE);
    for (let p = 0; p < SIZE * SIZE; p++) rgb.set([p % 256, 255 - (p % 256), 7], p * 3);
    const batch = new Float32Array(2 * CLIP_FLOATS_PER_IMAGE).fill(42);
    writeNormalisedChw(rgb, batch, CLIP_FLOATS_PER_IMAGE);

    expect(batch[CLIP_FLOATS_PER_IMAGE - 1]).toBe(42); // the first image's slot is untouched
    const plane = SIZE * SIZE;
    for (const p of [0, 1, 300, plane - 1]) {
      expect(batch[CLIP_FLOATS_PER_IMAGE + p]).toBeCloseTo(normalised(p % 256, 0), 5);
      expect(batch[CLIP_FLOATS_PER_IMAGE + plane + p]).toBeCloseTo(normalised(255 - (p % 256), 1), 5);
      expect(batch[CLIP_FLOATS_PER_IMAGE + 2 * plane + p]).toBeCloseTo(normalised(7, 2), 5);
    }
  });

  it('refuses an offset that would run past the batch tensor', () => {
    const rgb = new Uint8Array(CLIP_FLOATS_PER_IMAGE);
    expect(() => writeNormalisedChw(rgb, new Float32Array(CLIP_FLOATS_PER_IMAGE), 1)).toThrow(RangeError);
  });
});

describe('decodeClipRgb / preprocessClipInto', () => {
  it('turns a solid colour into the expected normalised constants', async () => {
    const path = await writeRgb('solid.png', 300, 200, () => [200, 100, 50]);
    const batch = new Float32Array(CLIP_FLOATS_PER_IMAGE);
    await preprocessClipInto(path, batch, 0);
    const plane = SIZE * SIZE;
    [200, 100, 50].forEach((value, channel) => {
      const slice = batch.subarray(channel * plane, (channel + 1) * plane);
      expect(Math.min(...slice)).toBeCloseTo(normalised(value, channel), 5);
      expect(Math.max(...slice)).toBeCloseTo(normalised(value, channel), 5);
    });
  });

  it('scales the shortest side to 224 and crops the centre of a 300×200 image', async () => {
    // Scale 224/200 = 1.12: the 336-wide result loses 56 px each side, so 40-px red side bands vanish, and the
    // white square at the source centre lands on the output centre.
    const path = await writeRgb('landscape.png', 300, 200, (x, y) => {
      if (x >= 140 && x < 160 && y >= 90 && y < 110) return [255, 255, 255];
      return x < 40 || x >= 260 ? [255, 0, 0] : [0, 0, 0];
    });
    const rgb = await decodeClipRgb(path);
    expect(rgb.length).toBe(SIZE * SIZE * 3);
    const square = brightCentroid(rgb);
    expectNearCentre(square);
    expect(square.count).toBeGreaterThan(20 * 20); // 20 px × 1.12 ≈ 22 px square
    expect(square.count).toBeLessThan(26 * 26);
  });

  it('crops the centre of a portrait image too', async () => {
    const path = await writeRgb('portrait.png', 100, 400, (x, y) => (x >= 40 && x < 60 && y >= 190 && y < 210 ? [255, 255, 255] : [0, 0, 0]));
    const square = brightCentroid(await decodeClipRgb(path));
    expectNearCentre(square);
  });

  it('makes grayscale, grey+alpha and palette PNGs 3-channel', async () => {
    const grey = join(dir, 'grey.png');
    await sharp(Buffer.alloc(28 * 28, 90), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(grey);
    const greyAlpha = join(dir, 'grey-alpha.png');
    await sharp(Buffer.alloc(28 * 28 * 2, 90), { raw: { width: 28, height: 28, channels: 2 } }).png().toFile(greyAlpha);
    const palette = join(dir, 'palette.png');
    await sharp({ create: { width: 50, height: 40, channels: 3, background: { r: 10, g: 200, b: 30 } } })
      .png({ palette: true })
      .toFile(palette);
    expect((await sharp(palette).metadata()).isPalette).toBe(true);

    for (const [path, expected] of [
      [grey, [90, 90, 90]],
      [greyAlpha, [90, 90, 90]],
      [palette, [10, 200, 30]],
    ] as const) {
      const rgb = await decodeClipRgb(path);
      expect(rgb.length).toBe(SIZE * SIZE * 3);
      const centre = ((SIZE / 2) * SIZE + SIZE / 2) * 3;
      expect(Array.from(rgb.subarray(centre, centre + 3)), path).toEqual(expected);
    }
  });

  it('drops alpha without compositing, as converting to RGB does', async () => {
    const path = join(dir, 'transparent.png');
    await sharp({ create: { width: 30, height: 30, channels: 4, background: { r: 250, g: 20, b: 20, alpha: 0 } } })
      .png()
      .toFile(path);
    const rgb = await decodeClipRgb(path);
    expect(Array.from(rgb.subarray(0, 3))).toEqual([250, 20, 20]);
  });

  it('reads 16-bit PNGs as 8-bit values', async () => {
    const path = join(dir, 'sixteen.png');
    await sharp({ create: { width: 30, height: 30, channels: 3, background: { r: 128, g: 64, b: 32 } } })
      .toColourspace('rgb16')
      .png()
      .toFile(path);
    expect((await sharp(path).metadata()).depth).toBe('ushort');
    const rgb = await decodeClipRgb(path);
    expect(Array.from(rgb.subarray(0, 3))).toEqual([128, 64, 32]);
  });

  it('applies the EXIF orientation', async () => {
    // Stored 300×200 with the left half white; orientation 6 means "rotate 90° clockwise to display",
    // which puts the white half on top of a 200×300 portrait.
    const stored = Buffer.alloc(300 * 200 * 3);
    for (let y = 0; y < 200; y++) for (let x = 0; x < 150; x++) stored.fill(255, (y * 300 + x) * 3, (y * 300 + x) * 3 + 3);
    const path = join(dir, 'rotated.jpg');
    await sharp(stored, { raw: { width: 300, height: 200, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toFile(path);
    const rgb = await decodeClipRgb(path);
    const at = (x: number, y: number): number => rgb[(y * SIZE + x) * 3] as number;
    expect(at(112, 20)).toBeGreaterThan(200);
    expect(at(112, 200)).toBeLessThan(50);
  });

  const meanDifference = (a: Uint8Array, b: Uint8Array): number => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] as number)), 0) / a.length;

  it('decodes plain JPEGs with libjpeg-turbo', async () => {
    const path = join(dir, 'plain.jpg');
    await sharp(testPhotoRgb(), { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
    const bytes = await readFile(path);
    const turbo = decodeTurboJpeg(bytes, readJpegHeader(bytes)!, CoverResizer.load(SIZE));
    expect(turbo).not.toBeNull();
    expect(Buffer.from(await decodeClipRgb(path)).equals(Buffer.from(turbo!))).toBe(true);
  });

  it('crops one photo alike whichever way it is stored: PNG, JPEG, JPEG stored rotated, large JPEG', async () => {
    const rgb = testPhotoRgb();
    const raw = { raw: { width: 640, height: 480, channels: 3 as const } };
    const png = join(dir, 'photo.png');
    await sharp(rgb, raw).png().toFile(png);
    const jpeg = join(dir, 'photo.jpg');
    await sharp(rgb, raw).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toFile(jpeg);
    // Stored turned 90° anticlockwise, with orientation 6 ("rotate 90° clockwise to display"): sharp decodes it.
    const rotated = join(dir, 'photo-rotated.jpg');
    await sharp(await sharp(rgb, raw).rotate(-90).png().toBuffer()).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).withMetadata({ orientation: 6 }).toFile(rotated);
    // 4× the size: sharp's own resize, with shrink-on-load.
    const large = join(dir, 'photo-large.jpg');
    await sharp(rgb, raw).resize(2560, 1920, { kernel: 'nearest' }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toFile(large);

    const reference = await decodeClipRgb(png);
    // Measured: libjpeg-turbo's fast IDCT 1.37 levels, sharp's decode of the rotated file 0.23, sharp's resize of the
    // large one 0.88 (sharp's old 'cover' crop was 13.6 away).
    expect(meanDifference(await decodeClipRgb(jpeg), reference)).toBeLessThan(2);
    expect(meanDifference(await decodeClipRgb(rotated), reference)).toBeLessThan(1);
    expect(meanDifference(await decodeClipRgb(large), reference)).toBeLessThan(2);
  });

  it('converts a CMYK JPEG (left to sharp) to RGB', async () => {
    const path = join(dir, 'cmyk.jpg');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 100, b: 50 } } })
      .toColourspace('cmyk')
      .jpeg({ quality: 100 })
      .toFile(path);
    expect(readJpegHeader(await readFile(path))?.components).toBe(4);
    // Through CMYK and back, sharp's colour management gives [199, 94, 21]: the same colour must come out here.
    const expected = Array.from((await sharp(path).toColourspace('srgb').raw().toBuffer()).subarray(0, 3));
    const rgb = await decodeClipRgb(path);
    const centre = ((SIZE / 2) * SIZE + SIZE / 2) * 3;
    expect(Array.from(rgb.subarray(centre, centre + 3))).toEqual(expected);
  });

  it('decodes or names the file for every one of 200 damaged JPEGs, never crashing', async () => {
    const jpeg = await sharp(testPhotoRgb(), { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
    let state = 42;
    const random = (below: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return Math.floor((state / 2 ** 32) * below);
    };
    const outcomes = { decoded: 0, refused: 0 };
    for (let i = 0; i < 200; i++) {
      const damaged = Buffer.from(jpeg);
      // Bytes anywhere, bytes in the headers, a run overwritten, or the file cut short.
      if (i % 4 === 0) for (let k = 0; k < 10; k++) damaged[random(damaged.length)] = random(256);
      if (i % 4 === 1) for (let k = 0; k < 5; k++) damaged[2 + random(600)] = random(256);
      if (i % 4 === 2) damaged.fill(random(256), random(damaged.length), random(damaged.length));
      const bytes = i % 4 === 3 ? damaged.subarray(0, random(damaged.length)) : damaged;
      const name = `damaged-${i}.jpg`;
      try {
        expect((await clipRgbFromBytes(name, bytes)).length).toBe(CLIP_FLOATS_PER_IMAGE);
        outcomes.decoded++;
      } catch (error) {
        expect(error).toBeInstanceOf(ImageDecodeError);
        expect(String(error)).toContain(name);
        outcomes.refused++;
      }
    }
    // Both kinds happen: damage libjpeg-turbo refuses goes to sharp, which decodes what it can.
    expect(outcomes.decoded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('rejects a corrupt or missing file with an error naming it', async () => {
    const corrupt = join(dir, 'corrupt.png');
    await writeFile(corrupt, Buffer.from('this is not an image at all'));
    await expect(decodeClipRgb(corrupt)).rejects.toThrow(ImageDecodeError);
    await expect(decodeClipRgb(corrupt)).rejects.toThrow(corrupt);
    const truncated = join(dir, 'truncated.png');
    const whole = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    await writeFile(truncated, whole.subarray(0, 40));
    await expect(decodeClipRgb(truncated)).rejects.toThrow(truncated);
    const missing = join(dir, 'missing.png');
    await expect(decodeClipRgb(missing)).rejects.toThrow(missing);
  });
});
