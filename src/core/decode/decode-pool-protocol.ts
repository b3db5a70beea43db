/**
 * Messages between DecodePool (parent) and decode.child.ts, sent over the IPC channel with `serialization:
 * 'advanced'` (V8's serializer), so a chunk's pixels travel as one typed array, not as JSON, where they do not
 * travel through a pixel file (pixel-files.ts).
 */
import type { PixelChecks } from '../health/pixel-checks.js';

/**
 * How a decoded image comes back: `rgb-u8` is 224×224×3 interleaved bytes (150,528 bytes an image); `clip-f32` is
 * the finished CLIP input, normalised CHW float32 (602,112 bytes an image).
 */
export type DecodedPixelFormat = 'rgb-u8' | 'clip-f32';

export type DecodeChildRequest =
  /** `slot`: write the pixels to that pixel file (pixel-files.ts) rather than into the reply, if it can. */
  | { type: 'decode'; id: number; paths: string[]; format: DecodedPixelFormat; slot?: number }
  /** The health stage's pixel checks (quality stats, pixel and content hashes); `displayPaths` name images in problems. */
  | { type: 'check'; id: number; paths: string[]; displayPaths: string[] }
  /** Stop starting images of chunk `id`; the reply still comes, with the unstarted images marked cancelled. */
  | { type: 'cancel'; id: number };

export interface DecodeChildFailure {
  /** Position in the chunk's `paths`. */
  index: number;
  /** Names the file. */
  reason: string;
}

export type DecodeChildReply =
  | { type: 'ready' }
  /**
   * `pixels` holds the images in `paths` order at a fixed stride (failed images' bytes are zero); its element type
   * follows the requested format (Uint8Array or Float32Array).
   */
  | { type: 'decoded'; id: number; pixels: Uint8Array | Float32Array; failures: DecodeChildFailure[] }
  /** As 'decoded', the pixels being the first `byteLength` bytes of pixel file `slot`. */
  | { type: 'decoded-to-file'; id: number; slot: number; byteLength: number; failures: DecodeChildFailure[] }
  /** The pixel checks of a 'check' chunk; a cancelled one answers too, its results then unused. */
  | { type: 'checked'; id: number; checks: PixelChecks };
