/**
 * CLIP's image preprocessing (as OpenAI's and Hugging Face's CLIPImageProcessor do it): convert to RGB, resize the
 * shortest side to 224 with bicubic filtering, centre-crop 224×224, scale to [0,1], normalise per channel with
 * CLIP's mean and std, lay out as CHW. Decoding: libjpeg-turbo for plain JPEGs (turbo-jpeg.ts), sharp for the rest;
 * resize and crop: Pillow's filter in WebAssembly (cover-resize.ts), or sharp's own resize for images large enough
 * that its shrink-on-load wins. The float conversion is a single table-driven pass written straight into the
 * caller's batch tensor.
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { coverGeometry, CoverResizer, kernelResizes } from './cover-resize.js';
import { asImageDecodeError, ImageDecodeError } from './image-decode-error.js';
import { readJpegHeader } from './jpeg-header.js';
import { openImageBytes } from './open-image.js';
import { decodeTurboJpeg, isTurboJpeg } from './turbo-jpeg.js';

export const CLIP_IMAGE_SIZE_PX = 224;
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/**
 * The revision of what this module makes of an image, stored with a CLIP embedder's embeddings. Raise it when the
 * crop, the filter or the colour handling changes what the model sees (not for a level of rounding): the next
 * analysis then embeds every image again, rather than mix vectors of two crops in one map. '2026-11-27': Hugging
 * Face's geometry and Pillow's filter (before, sharp's cover crop: 13.6 levels off on a test photo).
 */
export const CLIP_PREPROCESSING_REVISION = 'hf-clip-2026-11-27';

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
 * convert('RGB') does), grey/palette/CMYK converted to sRGB, bicubic resize and centre crop sized as Hugging Face's
 * CLIPImageProcessor sizes them.
 * Rejects with an ImageDecodeError naming the file.
 */
export async function decodeClipRgb(absPath: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
  return clipRgbFromBytes(absPath, bytes);
}

/** decodeClipRgb for a file already read: `absPath` names it in errors. */
export async function clipRgbFromBytes(absPath: string, bytes: Buffer): Promise<Uint8Array> {
  try {
    const resizer = coverResizer();
    const jpeg = readJpegHeader(bytes);
    if (resizer && jpeg && isTurboJpeg(jpeg, CLIP_IMAGE_SIZE_PX)) {
      const rgb = decodeTurboJpeg(bytes, jpeg, resizer);
      if (rgb) return rgb;
    }
    const { image, isJpeg } = openImageBytes(absPath, bytes);
    // Sides as displayed (EXIF orientations 5–8 swap them): from the JPEG header where it was read whole.
    const header = isJpeg && jpeg?.orientation ? jpeg : null;
    const metadata = header ? null : await image.metadata();
    const swapped = (header?.orientation ?? 1) >= 5;
    const [width, height] = header
      ? swapped ? [header.height, header.width] : [header.width, header.height]
      : [metadata?.autoOrient.width ?? 0, metadata?.autoOrient.height ?? 0];
    if (!(width > 0 && height > 0)) throw new Error('the image has no size');
    const rgb =
      resizer && kernelResizes(width, height, CLIP_IMAGE_SIZE_PX)
        ? await resizeInWasm(image, resizer)
        : await resizeWithSharp(metadata?.hasAlpha ? await withoutAlpha(image) : image, width, height);
    if (rgb.length !== CLIP_FLOATS_PER_IMAGE) throw new ImageDecodeError(absPath, `decoded to ${rgb.length} bytes, expected 224×224×3`);
    return rgb;
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}

let resizer: CoverResizer | null | undefined;

/** The WebAssembly resizer of this process, or null where WebAssembly SIMD is missing (sharp resizes instead). */
function coverResizer(): CoverResizer | null {
  if (resizer === undefined) {
    try {
      resizer = CoverResizer.load(CLIP_IMAGE_SIZE_PX);
    } catch {
      resizer = null;
    }
  }
  return resizer;
}

/** sharp decodes (orientation, colour space, alpha dropped: no resize, so no premultiplication), the kernel resizes. */
async function resizeInWasm(image: Sharp, cover: CoverResizer): Promise<Uint8Array> {
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return cover.resize(info.width, info.height, (target) => target.set(data));
}

/**
 * sharp's cubic filter is Pillow's (Catmull-Rom), but its `fit: 'cover'` sizes and crops otherwise: on a test photo
 * 13.6 levels from Hugging Face's crop on average. Resizing to HF's size and cutting HF's crop: 0.1–0.9.
 */
async function resizeWithSharp(image: Sharp, width: number, height: number): Promise<Uint8Array> {
  const { resizedWidth, resizedHeight, left, top } = coverGeometry(width, height, CLIP_IMAGE_SIZE_PX);
  const { data, info } = await image
    .toColourspace('srgb')
    .resize(resizedWidth, resizedHeight, { fit: 'fill', kernel: 'cubic' })
    .extract({ left, top, width: CLIP_IMAGE_SIZE_PX, height: CLIP_IMAGE_SIZE_PX })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== CLIP_IMAGE_SIZE_PX || info.height !== CLIP_IMAGE_SIZE_PX) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected 224×224×3`);
  }
  return data;
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
