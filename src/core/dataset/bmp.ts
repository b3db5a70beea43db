/**
 * Minimal BMP support: sharp (libvips) cannot read BMP, so the header is parsed here for probing and uncompressed
 * 24/32-bit images are decoded to RGB for embedding. Palette, 16-bit and RLE/JPEG/PNG-compressed BMPs are refused.
 */

export class BmpError extends Error {
  override readonly name = 'BmpError';
}

export interface BmpHeader {
  width: number;
  /** Always positive; `topDown` says the row order in the file. */
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  /** 0 = BI_RGB (uncompressed), 3 = BI_BITFIELDS, others are compressed. */
  compression: number;
  /** Byte offset of the first pixel row in the file. */
  dataOffset: number;
  /** Bytes per stored row, including the padding to a multiple of 4. */
  rowStrideBytes: number;
  /** Why `decodeBmp` would refuse this file, or null when it can decode it. */
  unsupportedReason: string | null;
  /** Channel masks for 32-bit BI_BITFIELDS images (red, green, blue). */
  masks: [number, number, number] | null;
}

const FILE_HEADER_BYTES = 14;
const CORE_HEADER_BYTES = 12;
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const COMPRESSION_NAMES: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG', 6: 'alpha bitfields' };

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Parses the BMP headers; needs the first 70 bytes of the file at most. Throws BmpError when they are invalid. */
export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  if (!isBmp(bytes)) throw new BmpError('not a BMP file (no "BM" signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < FILE_HEADER_BYTES + 4) throw new BmpError('BMP header is cut short');
  const dataOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  if (bytes.length < FILE_HEADER_BYTES + Math.min(dibSize, 40)) throw new BmpError('BMP header is cut short');

  let width: number;
  let signedHeight: number;
  let bitsPerPixel: number;
  let compression = BI_RGB;
  if (dibSize === CORE_HEADER_BYTES) {
    width = view.getUint16(18, true);
    signedHeight = view.getUint16(20, true);
    bitsPerPixel = view.getUint16(24, true);
  } else if (dibSize >= 40) {
    width = view.getInt32(18, true);
    signedHeight = view.getInt32(22, true);
    bitsPerPixel = view.getUint16(28, true);
    compression = view.getUint32(30, true);
  } else {
    throw new BmpError(`unknown BMP header size ${dibSize}`);
  }
  if (width <= 0 || signedHeight === 0) throw new BmpError(`invalid BMP size ${width}x${signedHeight}`);

  let masks: [number, number, number] | null = null;
  if (compression === BI_BITFIELDS && bitsPerPixel === 32 && bytes.length >= 66) {
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }
  return {
    width,
    height: Math.abs(signedHeight),
    topDown: signedHeight < 0,
    bitsPerPixel,
    compression,
    dataOffset,
    rowStrideBytes: Math.ceil((width * bitsPerPixel) / 32) * 4,
    unsupportedReason: unsupportedReason(bitsPerPixel, compression, masks),
    masks,
  };
}

function unsupportedReason(bitsPerPixel: number, compression: number, masks: [number, number, number] | null): string | null {
  if (compression !== BI_RGB && compression !== BI_BITFIELDS) {
    return `compressed BMP (${COMPRESSION_NAMES[compression] ?? `compression ${compression}`}) is not supported; only uncompressed 24/32-bit BMP is`;
  }
  if (bitsPerPixel !== 24 && bitsPerPixel !== 32) {
    return `${bitsPerPixel}-bit BMP is not supported; only uncompressed 24/32-bit BMP is`;
  }
  if (compression === BI_BITFIELDS) {
    if (bitsPerPixel !== 32 || masks === null) return 'BMP bitfields are only supported for 32-bit images';
    if (!masks.every((m) => maskShift(m) !== null)) return 'BMP bitfields other than 8 bits per channel are not supported';
  }
  return null;
}

/** Bit position of an 8-bit contiguous channel mask, or null for any other mask. */
function maskShift(mask: number): number | null {
  for (let shift = 0; shift <= 24; shift += 1) {
    if (mask >>> 0 === (0xff << shift) >>> 0) return shift;
  }
  return null;
}

export interface DecodedBmp {
  /** Row-major, top row first, 3 bytes (R, G, B) per pixel. */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/** Decodes an uncompressed 24- or 32-bit BMP to RGB. Throws BmpError for other BMPs and for truncated files. */
export function decodeBmp(buffer: Uint8Array): DecodedBmp {
  const header = readBmpHeader(buffer);
  if (header.unsupportedReason !== null) throw new BmpError(header.unsupportedReason);
  const { width, height, topDown, dataOffset, rowStrideBytes, bitsPerPixel } = header;
  const neededBytes = expectedBmpSizeBytes(header);
  if (buffer.length < neededBytes) {
    throw new BmpError(`BMP is truncated: ${buffer.length} bytes, the header describes ${neededBytes}`);
  }

  const bytesPerPixel = bitsPerPixel / 8;
  // Default BI_RGB layout is B, G, R(, unused) in memory, i.e. little-endian masks 0xff0000, 0xff00, 0xff.
  const [redShift, greenShift, blueShift] = (header.masks ?? [0xff0000, 0xff00, 0xff]).map((m) => maskShift(m) as number) as [number, number, number];
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    const fileRow = topDown ? y : height - 1 - y;
    let src = dataOffset + fileRow * rowStrideBytes;
    let dst = y * width * 3;
    for (let x = 0; x < width; x += 1) {
      if (bytesPerPixel === 3) {
        data[dst] = buffer[src + 2] as number;
        data[dst + 1] = buffer[src + 1] as number;
        data[dst + 2] = buffer[src] as number;
      } else {
        const pixel = view.getUint32(src, true);
        data[dst] = (pixel >>> redShift) & 0xff;
        data[dst + 1] = (pixel >>> greenShift) & 0xff;
        data[dst + 2] = (pixel >>> blueShift) & 0xff;
      }
      src += bytesPerPixel;
      dst += 3;
    }
  }
  return { data, width, height, channels: 3 };
}

/** File size an uncompressed BMP needs to hold all its rows (the last row's padding may be omitted by some writers). */
export function expectedBmpSizeBytes(header: BmpHeader): number {
  const lastRowBytes = Math.ceil((header.width * header.bitsPerPixel) / 8);
  return header.dataOffset + (header.height - 1) * header.rowStrideBytes + lastRowBytes;
}
