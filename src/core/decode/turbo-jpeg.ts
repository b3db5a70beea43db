/**
 * Decodes plain JPEGs with libjpeg-turbo (@julusian/jpeg-turbo) straight into the resize kernel's memory. sharp
 * decodes the same file through libvips in ~3.9 ms against libjpeg-turbo's ~1.2 ms (640×480, one core), and the
 * JPEG decode is most of a CLIP pipeline's CPU time; sharp still takes every JPEG this one does not (see
 * isTurboJpeg), including any it fails on, so no image decodes worse than before.
 */
import { createRequire } from 'node:module';
import { kernelResizes, type CoverResizer } from './cover-resize.js';
import type { JpegHeader } from './jpeg-header.js';

interface TurboJpegBinding {
  FORMAT_RGB: number;
  decompressSync(image: Uint8Array, out: Buffer, options: { format: number }): { width: number; height: number; data: Buffer };
}

let binding: TurboJpegBinding | null | undefined;

/** The native binding, or null where it has no build for this platform (the caller then uses sharp). */
function turboJpeg(): TurboJpegBinding | null {
  if (binding === undefined) {
    try {
      binding = createRequire(import.meta.url)('@julusian/jpeg-turbo') as TurboJpegBinding;
    } catch {
      // No build for this platform: sharp decodes the same images to the same crop, a few times slower.
      binding = null;
    }
  }
  return binding;
}

/**
 * Whether libjpeg-turbo should decode this JPEG: 8-bit grey or colour, displayed as stored (EXIF orientation 1), and
 * small enough that decoding every pixel beats sharp's shrink-on-load (kernelResizes).
 */
export function isTurboJpeg(header: JpegHeader, cropSize: number): boolean {
  return (
    header.precision === 8 &&
    (header.components === 1 || header.components === 3) &&
    header.orientation === 1 &&
    kernelResizes(header.width, header.height, cropSize)
  );
}

/**
 * The `resizer.size`² RGB crop of a JPEG that isTurboJpeg accepted, or null when libjpeg-turbo is unavailable or
 * refuses the file (corrupt data, or a warning sharp may tolerate): the caller then decodes it with sharp.
 */
export function decodeTurboJpeg(bytes: Uint8Array, header: JpegHeader, resizer: CoverResizer): Uint8Array | null {
  const jpeg = turboJpeg();
  if (!jpeg) return null;
  try {
    return resizer.resize(header.width, header.height, (target) => {
      const decoded = jpeg.decompressSync(bytes, Buffer.from(target.buffer, target.byteOffset, target.byteLength), { format: jpeg.FORMAT_RGB });
      if (decoded.width !== header.width || decoded.height !== header.height) throw new Error(`decoded ${decoded.width}×${decoded.height}, header says ${header.width}×${header.height}`);
    });
  } catch {
    return null;
  }
}
