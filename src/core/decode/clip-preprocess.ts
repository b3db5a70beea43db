/**
 * CLIP's image preprocessing (as OpenAI's and Hugging Face's CLIPImageProcessor do it): convert to RGB, resize the
 * shortest side to 224 with bicubic filtering, centre-crop 224×224, scale to [0,1], normalise per channel with
 * CLIP's mean and std, lay out as CHW. The resize and crop run in one sharp pipeline; the float conversion is a
 * single table-driven pass written straight into the caller's batch tensor.
 */
import sharp, { type Sharp } from 'sharp';
import { asImageDecodeError, ImageDecodeError } from './image-decode-error.js';
import { openImageFile } from './open-image.js';

export const CLIP_IMAGE_SIZE_PX = 224;
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

const PIXELS_PER_IMAGE = CLIP_IMAGE_SIZE_PX * CLIP_IMAGE_SIZE_PX;
/** Floats one image occupies in a [batch, 3, 224, 224] tensor. */
export const CLIP_FLOATS_PER_IMAGE = 3 * PIXELS_PER_IMAGE;

/**
 * normalised = (v / 255 - mean) / std = v * scale + offset, precomputed for all 256 values of each channel
 * (a table lookup measured faster than the multiply-add in V8: ~0.24 ms vs ~0.4 ms an image).
 */
const NORMALISED_BY_CHANNEL_VALUE = (() => {
  const table = new Float32Array(3 * 256);
  for (let channel = 0; channel < 3; channel++) {
    const std = CLIP_STD[channel] as number;
    const scale = 1 / (255 * std);
    const offset = -(CLIP_MEAN[channel] as number) / std;
    for (let value = 0; value < 256; value++) table[channel * 256 + value] = value * scale + offset;
  }
  return table;
})();

/**
 * Decodes `absPath` to 224×224 interleaved RGB bytes: EXIF auto-orient, alpha dropped before resizing (as PIL's
 * convert('RGB') does), grey/palette/CMYK converted to sRGB, bicubic cover-resize with a centred crop.
 * Rejects with an ImageDecodeError naming the file.
 */
export async function decodeClipRgb(absPath: string): Promise<Uint8Array> {
  try {
    const opened = await openImageFile(absPath);
    const image = opened.isJpeg ? opened.image : await withoutAlpha(opened.image);
    const { data, info } = await image
      .toColourspace('srgb')
      .resize(CLIP_IMAGE_SIZE_PX, CLIP_IMAGE_SIZE_PX, { fit: 'cover', position: 'centre', kernel: 'cubic' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== CLIP_IMAGE_SIZE_PX || info.height !== CLIP_IMAGE_SIZE_PX) {
      throw new ImageDecodeError(absPath, `decoded to ${info.width}×${info.height}×${info.channels}, expected 224×224×3`);
    }
    return data;
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}

/**
 * sharp resizes images with alpha premultiplied, which darkens or erases the colour under translucent pixels;
 * CLIP drops alpha before resizing. For the (rare) images with alpha, decode once without it, then resize.
 */
async function withoutAlpha(image: Sharp): Promise<Sharp> {
  if (!(await image.metadata()).hasAlpha) return image;
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}

/**
 * Writes one image's normalised CHW floats into `batch` starting at float index `offset`
 * (image i of a batch starts at i * CLIP_FLOATS_PER_IMAGE).
 */
export function writeNormalisedChw(rgb: Uint8Array, batch: Float32Array, offset: number): void {
  if (rgb.length !== CLIP_FLOATS_PER_IMAGE) throw new RangeError(`Expected ${CLIP_FLOATS_PER_IMAGE} RGB bytes, got ${rgb.length}`);
  if (offset < 0 || offset + CLIP_FLOATS_PER_IMAGE > batch.length) throw new RangeError(`Offset ${offset} is outside the batch tensor`);
  const table = NORMALISED_BY_CHANNEL_VALUE;
  const green = offset + PIXELS_PER_IMAGE;
  const blue = green + PIXELS_PER_IMAGE;
  for (let i = 0, p = 0; i < PIXELS_PER_IMAGE; i++, p += 3) {
    batch[offset + i] = table[rgb[p] as number] as number;
    batch[green + i] = table[256 + (rgb[p + 1] as number)] as number;
    batch[blue + i] = table[512 + (rgb[p + 2] as number)] as number;
  }
}

/** Decodes and normalises one image into `batch` at float index `offset`. */
export async function preprocessClipInto(absPath: string, batch: Float32Array, offset: number): Promise<void> {
  writeNormalisedChw(await decodeClipRgb(absPath), batch, offset);
}
