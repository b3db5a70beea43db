/** Image formats the app reads, named by content (magic bytes), not by file extension. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'tiff';

/** Bytes `detectImageFormat` needs at most. */
export const SIGNATURE_BYTES = 12;

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** The format whose signature starts `bytes`, or null when it is none of ours. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  return null;
}

const FORMAT_BY_EXTENSION: Record<string, ImageFormat> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  bmp: 'bmp',
  tif: 'tiff',
  tiff: 'tiff',
};

/** The format a file name promises (case-insensitive extension), or null for other extensions. */
export function formatForFileName(name: string): ImageFormat | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  return FORMAT_BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null;
}

/** True for the extensions the scan lists: jpg, jpeg, png, webp, gif, bmp, tif, tiff (any case). */
export function isImageFileName(name: string): boolean {
  return formatForFileName(name) !== null;
}
