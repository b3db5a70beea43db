import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readJpegHeader } from './jpeg-header.js';

const grey = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 40 } } });

/** A JPEG whose first segment is an APP1 EXIF block with `tiff` as its TIFF body, then sharp's own segments. */
async function withExif(tiff: number[]): Promise<Buffer> {
  const jpeg = await grey(40, 30).jpeg().toBuffer();
  const body = Buffer.from([0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/** Big-endian TIFF with one IFD entry: tag, type, count 1, value. */
const bigEndianTiff = (tag: number, type: number, value: number): number[] => [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, tag >> 8, tag & 0xff, 0, type, 0, 0, 0, 1, value >> 8, value & 0xff, 0, 0, 0, 0, 0, 0, 0, 0];

describe('readJpegHeader', () => {
  it('reads size, components and precision of baseline, progressive, grey and CMYK JPEGs', async () => {
    expect(readJpegHeader(await grey(640, 480).jpeg().toBuffer())).toEqual({ width: 640, height: 480, components: 3, precision: 8, orientation: 1 });
    expect(readJpegHeader(await grey(33, 517).jpeg({ progressive: true }).toBuffer())).toMatchObject({ width: 33, height: 517, components: 3 });
    expect(readJpegHeader(await grey(20, 10).toColourspace('b-w').jpeg().toBuffer())).toMatchObject({ components: 1 });
    expect(readJpegHeader(await grey(20, 10).toColourspace('cmyk').jpeg().toBuffer())).toMatchObject({ components: 4 });
  });

  it('reads the EXIF orientation, little- and big-endian', async () => {
    const rotated = await grey(30, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(readJpegHeader(rotated)).toMatchObject({ width: 30, height: 20, orientation: 6 });
    expect(readJpegHeader(await withExif(bigEndianTiff(0x0112, 3, 8)))?.orientation).toBe(8);
    // EXIF without an orientation tag: displayed as stored.
    expect(readJpegHeader(await withExif(bigEndianTiff(0x010f, 3, 5)))?.orientation).toBe(1);
  });

  it('says null for an orientation it cannot read, so that sharp decides', async () => {
    expect(readJpegHeader(await withExif(bigEndianTiff(0x0112, 3, 9)))?.orientation).toBeNull();
    expect(readJpegHeader(await withExif(bigEndianTiff(0x0112, 4, 6)))?.orientation).toBeNull();
    expect(readJpegHeader(await withExif([0x4d, 0x4d, 0, 42, 0, 0, 0xff, 0xff]))?.orientation).toBeNull();
    expect(readJpegHeader(await withExif([0x41, 0x41, 0, 42]))?.orientation).toBeNull();
  });

  it('is null for other formats and for JPEGs cut or broken before their frame header', async () => {
    expect(readJpegHeader(await grey(10, 10).png().toBuffer())).toBeNull();
    expect(readJpegHeader(Buffer.from([0xff, 0xd8]))).toBeNull();
    const jpeg = await grey(10, 10).jpeg().toBuffer();
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    expect(readJpegHeader(jpeg.subarray(0, sof + 5))).toBeNull();
    const broken = Buffer.from(jpeg);
    broken[2] = 0x12; // not a marker where one must start
    expect(readJpegHeader(broken)).toBeNull();
  });
});
