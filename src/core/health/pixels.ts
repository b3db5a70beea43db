/** Decodes an image to raw 8-bit pixels for the pixel-level checks (exact duplicates, image quality). */
import type { Sharp } from 'sharp';
import { openImageFile } from '../decode/open-image.js';
import { asImageDecodeError } from '../decode/image-decode-error.js';

/** Row-major 8-bit pixels: 1 channel (grayscale) or 3 (RGB); alpha is dropped. */
export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * Full-resolution pixels of `absPath` (EXIF-oriented, through openImage so BMP works). Grayscale sources stay one
 * channel (CleanVision reads them in PIL mode "L"); everything else becomes sRGB. Alpha is dropped, not flattened.
 * Rejects with an ImageDecodeError naming the file.
 */
export async function decodePixels(absPath: string): Promise<RawPixels> {
  return (await decodePixelsWithHash(absPath)).pixels;
}

/** decodePixels, plus the sha1 of the file's bytes (read once for both). */
export async function decodePixelsWithHash(absPath: string): Promise<{ pixels: RawPixels; contentHash: string }> {
  const { image, contentHash } = await openImageFile(absPath, { withContentHash: true });
  return { pixels: await decodeOpened(image, absPath), contentHash: contentHash as string };
}

async function decodeOpened(image: Sharp, absPath: string): Promise<RawPixels> {
  try {
    const meta = await image.metadata();
    // One or two bands (gray, gray + alpha), 8 or 16 bits.
    const gray = (meta.channels ?? 3) <= 2;
    const pipeline = image.removeAlpha().toColourspace(gray ? 'b-w' : 'srgb');
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== channels) throw new Error(`unexpected ${info.channels} channels after removing alpha`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels };
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}
