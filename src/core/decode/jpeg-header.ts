/**
 * Reads what the CLIP decode must know of a JPEG before decoding it: its frame size, components and sample
 * precision (from the SOF segment) and its EXIF orientation (from APP1). Walks the marker segments up to the
 * frame header only, so it costs microseconds.
 */

export interface JpegHeader {
  width: number;
  height: number;
  /** 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  /** Bits per sample: 8 for nearly every JPEG, 12 for some medical and scientific ones. */
  precision: number;
  /** EXIF orientation 1–8 (1 when there is no EXIF orientation); null when the EXIF block cannot be read. */
  orientation: number | null;
}

const SOI = 0xd8;
const SOS = 0xda;
const EOI = 0xd9;
const APP1 = 0xe1;

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers without a length: TEM and RST0–7. */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/** The header of a JPEG, or null when `bytes` is not one or ends (or breaks) before its frame header. */
export function readJpegHeader(bytes: Uint8Array): JpegHeader | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let orientation: number | null = 1;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (isStandalone(marker)) {
      at += 2;
      continue;
    }
    if (marker === SOS || marker === EOI) return null;
    const length = view.getUint16(at + 2);
    const segment = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return null;
    if (marker === APP1 && isExif(bytes, segment, end)) orientation = exifOrientation(view, segment + 6, end);
    if (isStartOfFrame(marker)) {
      if (length < 8) return null;
      return {
        precision: bytes[segment] as number,
        height: view.getUint16(segment + 1),
        width: view.getUint16(segment + 3),
        components: bytes[segment + 5] as number,
        orientation,
      };
    }
    at = end;
  }
  return null;
}

function isExif(bytes: Uint8Array, from: number, end: number): boolean {
  // "Exif\0\0"
  return end - from >= 6 && bytes[from] === 0x45 && bytes[from + 1] === 0x78 && bytes[from + 2] === 0x69 && bytes[from + 3] === 0x66 && bytes[from + 4] === 0 && bytes[from + 5] === 0;
}

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/** Orientation from the TIFF block at [tiff, end): 1 when absent, null when the block is malformed. */
function exifOrientation(view: DataView, tiff: number, end: number): number | null {
  if (end - tiff < 8) return null;
  const order = view.getUint16(tiff);
  if (order !== 0x4949 && order !== 0x4d4d) return null; // "II" or "MM"
  const little = order === 0x4949;
  if (view.getUint16(tiff + 2, little) !== 42) return null;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return null;
  const entries = view.getUint16(ifd, little);
  if (ifd + 2 + entries * 12 > end) return null;
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, little) !== SHORT) return null;
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : null;
  }
  return 1;
}
