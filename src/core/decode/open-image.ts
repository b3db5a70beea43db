/**
 * Opens an image file as a sharp pipeline. Everything that decodes images for the engine goes through here, so
 * that formats sharp cannot read (BMP: libvips has no loader; src/core/dataset/bmp.ts decodes it) are handled in
 * one place and every failure names the file.
 */
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
  try {
    const bytes = await readFile(absPath);
    if (isBmp(bytes)) {
      const raw = decodeBmp(bytes);
      return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
    }
    return sharp(bytes, { autoOrient: true, failOn: 'error' });
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}
