import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CoverResizer } from './cover-resize.js';
import { readJpegHeader, type JpegHeader } from './jpeg-header.js';
import { decodeTurboJpeg, isTurboJpeg } from './turbo-jpeg.js';
import { testPhotoRgb } from '../../../test/fixtures/test-photo.js';

const header = (overrides: Partial<JpegHeader>): JpegHeader => ({ width: 640, height: 480, components: 3, precision: 8, orientation: 1, ...overrides });

/** The test photo as a 640×480 JPEG. */
const photoJpeg = (quality = 95): Promise<Buffer> => sharp(testPhotoRgb(), { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality }).toBuffer();

describe('isTurboJpeg', () => {
  it('takes 8-bit grey or colour JPEGs displayed as stored, below a 4× reduction', () => {
    expect(isTurboJpeg(header({}), 224)).toBe(true);
    expect(isTurboJpeg(header({ components: 1 }), 224)).toBe(true);
    expect(isTurboJpeg(header({ width: 28, height: 28 }), 224)).toBe(true);
    expect(isTurboJpeg(header({ width: 1000, height: 895 }), 224)).toBe(true);
  });

  it('leaves CMYK, 12-bit, rotated, unreadable-EXIF and large JPEGs to sharp', () => {
    expect(isTurboJpeg(header({ components: 4 }), 224)).toBe(false);
    expect(isTurboJpeg(header({ precision: 12 }), 224)).toBe(false);
    expect(isTurboJpeg(header({ orientation: 6 }), 224)).toBe(false);
    expect(isTurboJpeg(header({ orientation: null }), 224)).toBe(false);
    expect(isTurboJpeg(header({ width: 1280, height: 960 }), 224)).toBe(false);
    expect(isTurboJpeg(header({ width: 20000, height: 800 }), 224)).toBe(false);
    expect(isTurboJpeg(header({ width: 0, height: 480 }), 224)).toBe(false);
  });
});

describe('decodeTurboJpeg', () => {
  const resizer = CoverResizer.load(224);

  it("decodes to the crop the resize kernel makes of sharp's decode, within libjpeg-turbo's fast-IDCT rounding", async () => {
    const jpeg = await photoJpeg();
    const parsed = readJpegHeader(jpeg);
    expect(parsed).not.toBeNull();
    const turbo = decodeTurboJpeg(jpeg, parsed!, resizer);
    expect(turbo).not.toBeNull();
    const { data } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const viaSharp = resizer.resize(640, 480, (target) => target.set(data));
    let max = 0;
    let total = 0;
    for (let i = 0; i < viaSharp.length; i++) {
      const d = Math.abs((turbo![i] as number) - (viaSharp[i] as number));
      max = Math.max(max, d);
      total += d;
    }
    // The binding decodes with libjpeg-turbo's fast integer IDCT: 0.98 levels from sharp's on average, 6 at most.
    expect(total / viaSharp.length).toBeLessThan(1.5);
    expect(max).toBeLessThanOrEqual(8);
  });

  it('decodes progressive and greyscale JPEGs too', async () => {
    const colour = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 100, b: 50 } } });
    const progressive = await colour.clone().jpeg({ progressive: true, quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
    const fromProgressive = decodeTurboJpeg(progressive, readJpegHeader(progressive)!, resizer);
    expect(Array.from(fromProgressive?.subarray(0, 3) ?? [])).toEqual([200, 100, 50]);
    const grey = await colour.clone().toColourspace('b-w').jpeg({ quality: 100 }).toBuffer();
    expect(readJpegHeader(grey)?.components).toBe(1);
    const fromGrey = decodeTurboJpeg(grey, readJpegHeader(grey)!, resizer);
    expect(fromGrey).not.toBeNull();
    const [r, g, b] = Array.from(fromGrey!.subarray(0, 3));
    expect(r).toBe(g);
    expect(g).toBe(b);
  });

  it('gives null for a JPEG libjpeg-turbo refuses, so that sharp decides', async () => {
    const jpeg = await photoJpeg();
    const parsed = readJpegHeader(jpeg)!;
    expect(decodeTurboJpeg(jpeg.subarray(0, jpeg.length >> 1), parsed, resizer)).toBeNull();
    const lying = { ...parsed, width: 641 };
    expect(decodeTurboJpeg(jpeg, lying, resizer)).toBeNull();
  });
});
