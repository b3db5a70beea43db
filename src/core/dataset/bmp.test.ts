import { describe, expect, it } from 'vitest';
import { BmpError, decodeBmp, readBmpHeader } from './bmp.js';
import { encodeBmp, rgbPattern } from './test-helpers/bmp-writer.js';

describe('decodeBmp', () => {
  // 5 pixels wide makes 24-bit rows need padding (15 -> 16 bytes), which a naive decoder gets wrong.
  const width = 5;
  const height = 3;
  const rgb = rgbPattern(width, height);

  it.each([
    { bitsPerPixel: 24 as const, topDown: false },
    { bitsPerPixel: 24 as const, topDown: true },
    { bitsPerPixel: 32 as const, topDown: false },
  ])('decodes $bitsPerPixel-bit, topDown=$topDown to RGB top row first', ({ bitsPerPixel, topDown }) => {
    const decoded = decodeBmp(encodeBmp({ width, height, rgb, bitsPerPixel, topDown }));
    expect(decoded).toMatchObject({ width, height, channels: 3 });
    expect(Array.from(decoded.data)).toEqual(Array.from(rgb));
  });

  it('decodes 32-bit BI_BITFIELDS using the masks (here R, G, B in byte order, unlike BI_RGB)', () => {
    const dataOffset = 66;
    const bmp = Buffer.alloc(dataOffset + width * height * 4);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(bmp.length, 2);
    bmp.writeUInt32LE(dataOffset, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(width, 18);
    bmp.writeInt32LE(-height, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(32, 28);
    bmp.writeUInt32LE(3, 30);
    bmp.writeUInt32LE(0x000000ff, 54);
    bmp.writeUInt32LE(0x0000ff00, 58);
    bmp.writeUInt32LE(0x00ff0000, 62);
    for (let i = 0; i < width * height; i += 1) {
      bmp[dataOffset + i * 4] = rgb[i * 3] as number;
      bmp[dataOffset + i * 4 + 1] = rgb[i * 3 + 1] as number;
      bmp[dataOffset + i * 4 + 2] = rgb[i * 3 + 2] as number;
    }
    expect(Array.from(decodeBmp(bmp).data)).toEqual(Array.from(rgb));
  });

  it('refuses palette and compressed BMPs with a clear reason', () => {
    const eightBit = encodeBmp({ width, height, rgb });
    eightBit.writeUInt16LE(8, 28);
    expect(() => decodeBmp(eightBit)).toThrow(/8-bit BMP is not supported/);
    const rle = encodeBmp({ width, height, rgb });
    rle.writeUInt32LE(1, 30);
    expect(() => decodeBmp(rle)).toThrow(/compressed BMP \(RLE8\)/);
    expect(readBmpHeader(rle).unsupportedReason).toMatch(/RLE8/);
  });

  it('refuses truncated and non-BMP data', () => {
    const full = encodeBmp({ width, height, rgb });
    expect(() => decodeBmp(full.subarray(0, full.length - 20))).toThrow(/truncated/);
    expect(() => decodeBmp(Buffer.from('PK\x03\x04 not a bmp'))).toThrow(BmpError);
    expect(() => decodeBmp(full.subarray(0, 20))).toThrow(/cut short/);
  });
});
