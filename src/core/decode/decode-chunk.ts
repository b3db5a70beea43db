/**
 * Decodes a chunk of images into one contiguous array at a fixed stride: the unit of work of a decode process
 * (decode.child.ts), also usable in-process. One array per chunk means one message per chunk back to the parent.
 */
import { mapWithConcurrency } from '../dataset/concurrency.js';
import { CLIP_FLOATS_PER_IMAGE, decodeClipRgb, writeNormalisedChw } from './clip-preprocess.js';
import type { DecodeChildFailure, DecodedPixelFormat } from './decode-pool-protocol.js';

export interface DecodedChunkPixels {
  pixels: Uint8Array | Float32Array;
  failures: DecodeChildFailure[];
}

/**
 * Decodes `paths` with `imagesInFlight` at once on the libuv pool. Images not started once `isCancelled()` turns
 * true fail with reason 'cancelled'. Never rejects: each failure is listed with a reason naming its file.
 */
export async function decodeChunk(
  paths: readonly string[],
  format: DecodedPixelFormat,
  imagesInFlight: number,
  isCancelled: () => boolean = () => false,
): Promise<DecodedChunkPixels> {
  const stride = CLIP_FLOATS_PER_IMAGE; // 224×224×3 elements: bytes for rgb-u8, floats for clip-f32
  const pixels = format === 'rgb-u8' ? new Uint8Array(paths.length * stride) : new Float32Array(paths.length * stride);
  const failures: DecodeChildFailure[] = [];
  await mapWithConcurrency(paths, imagesInFlight, async (path, index) => {
    if (isCancelled()) {
      failures.push({ index, reason: `Cannot decode image ${path}: cancelled` });
      return;
    }
    try {
      const rgb = await decodeClipRgb(path);
      if (pixels instanceof Uint8Array) pixels.set(rgb, index * stride);
      else writeNormalisedChw(rgb, pixels, index * stride);
    } catch (error) {
      failures.push({ index, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  failures.sort((a, b) => a.index - b.index);
  return { pixels, failures };
}
