/** Small previews for hover cards and the image grid. */
import { asImageDecodeError } from './image-decode-error.js';
import { openImage } from './open-image.js';

const WEBP_QUALITY = 80;

/**
 * Encodes `absPath` as WebP fitting inside maxSidePx × maxSidePx, never enlarged, EXIF-oriented.
 * Rejects with an ImageDecodeError naming the file when it cannot be decoded.
 */
export async function makeThumbnail(absPath: string, maxSidePx: number): Promise<Uint8Array> {
  if (!Number.isInteger(maxSidePx) || maxSidePx < 1) throw new RangeError(`Thumbnail size must be a positive integer, got ${maxSidePx}`);
  const image = await openImage(absPath);
  try {
    const webp = await image
      .resize(maxSidePx, maxSidePx, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: WEBP_QUALITY })
      .toBuffer();
    return new Uint8Array(webp.buffer, webp.byteOffset, webp.byteLength);
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}
