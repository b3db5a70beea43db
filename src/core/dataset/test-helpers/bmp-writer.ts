/** Test-only BMP writer (BITMAPINFOHEADER), so tests can make BMPs sharp cannot write. */
export interface BmpSpec {
  width: number;
  height: number;
  /** RGB bytes, top row first. */
  rgb: Uint8Array;
  bitsPerPixel?: 24 | 32;
  /** Store rows top-down (negative height) instead of the usual bottom-up. */
  topDown?: boolean;
}

export function encodeBmp({ width, height, rgb, bitsPerPixel = 24, topDown = false }: BmpSpec): Buffer {
  const bytesPerPixel = bitsPerPixel / 8;
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const dataOffset = 54;
  const out = Buffer.alloc(dataOffset + stride * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(dataOffset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bitsPerPixel, 28);
  for (let y = 0; y < height; y += 1) {
    const fileRow = topDown ? y : height - 1 - y;
    for (let x = 0; x < width; x += 1) {
      const src = (y * width + x) * 3;
      const dst = dataOffset + fileRow * stride + x * bytesPerPixel;
      out[dst] = rgb[src + 2] as number;
      out[dst + 1] = rgb[src + 1] as number;
      out[dst + 2] = rgb[src] as number;
      if (bytesPerPixel === 4) out[dst + 3] = 255;
    }
  }
  return out;
}

/** A deterministic RGB test pattern. */
export function rgbPattern(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i += 1) {
    rgb[i * 3] = (i * 7) % 256;
    rgb[i * 3 + 1] = (i * 13 + 50) % 256;
    rgb[i * 3 + 2] = (i * 29 + 100) % 256;
  }
  return rgb;
}
