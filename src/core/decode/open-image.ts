/**
 * Opens an image file as a sharp pipeline. Everything that decodes images for the engine goes through here, so
 * that formats sharp cannot read (BMP: libvips has no loader; src/core/dataset/bmp.ts decodes it) are handled in
 * one place and every failure names the file.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { decodeBmp, isBmp } from '../dataset/bmp.js';
import { asImageDecodeError } from './image-decode-error.js';

/**
 * Reads `absPath` and returns a sharp pipeline that auto-orients from EXIF. `failOn: 'error'` keeps images with
 * harmless decoder warnings (common in real JPEG datasets) instead of calling them corrupt.
 * Rejects with an ImageDecodeError naming the file.
 */
export async function openImage(absPath: string): Promise<Sharp> {
  return (await openImageFile(absPath)).image;
}

/**
 * openImage, plus whether the file is a JPEG, which cannot carry alpha: callers that must treat alpha specially
 * skip a header parse (`metadata()`, ~5% of a CLIP decode) for the most common format. With `withContentHash`, also
 * the sha1 of the file's bytes (else null): a check that reads every image anyway records the content hash that
 * rescans compare (dataset/content-hash.ts) without a second read of the file.
 */
export async function openImageFile(absPath: string, options: { withContentHash?: boolean } = {}): Promise<{ image: Sharp; isJpeg: boolean; contentHash: string | null }> {
  try {
    const bytes = await readFile(absPath);
    const contentHash = options.withContentHash ? createHash('sha1').update(bytes).digest('hex') : null;
    return { ...openImageBytes(absPath, bytes), contentHash };
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}

/** openImageFile for a file already read: `absPath` only names it in errors. */
export function openImageBytes(absPath: string, bytes: Buffer): { image: Sharp; isJpeg: boolean } {
  try {
    if (isBmp(bytes)) {
      const raw = decodeBmp(bytes);
      return { image: sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } }), isJpeg: false };
    }
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    return { image: sharp(bytes, { autoOrient: true, failOn: 'error' }), isJpeg };
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}
