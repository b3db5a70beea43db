/**
 * A basic, weight-free embedder that keeps the app useful without a model (offline, first run).
 *
 * Each image is squashed (whole frame, no crop) to 16×16 sRGB by area averaging, from which two parts are built:
 * - shape: the 16×16 grayscale thumbnail (256 values), mean-centred and L2-normalised, so it captures layout of
 *   light and dark (silhouettes, edges at a coarse scale) independently of brightness and contrast;
 * - colour: a 4×4 grid of mean RGB (48 values) centred on mid-grey, which captures overall colour and brightness
 *   and where they sit in the frame. Weighted at half the shape part (its norm is at most 1 before weighting).
 * The concatenation (304 values) is L2-normalised. It only sees coarse appearance: images that look alike at
 * thumbnail scale land together; it knows nothing of semantics, texture or fine detail.
 */
import type { EmbedderInfo } from '../../shared/model/dataset.js';
import { mapWithConcurrency } from '../dataset/concurrency.js';
import { asImageDecodeError } from '../decode/image-decode-error.js';
import { openImage } from '../decode/open-image.js';
import { errorMessage, type EmbedFailure, type EmbedResult, type Embedder, type PreparedBatch } from './embedder.js';
import { writeUnitRow } from './vectors.js';

const THUMB_SIDE_PX = 16;
const GRID_SIDE = 4;
const SHAPE_DIM = THUMB_SIDE_PX * THUMB_SIDE_PX;
const COLOUR_DIM = GRID_SIDE * GRID_SIDE * 3;
const COLOUR_WEIGHT = 0.5;
/** Scales (mean/255 - 0.5) so that the colour part's norm is at most 1 before weighting. */
const COLOUR_SCALE = 2 / Math.sqrt(COLOUR_DIM);

export const PIXELS_EMBEDDER_INFO: EmbedderInfo = {
  id: 'pixels-v1',
  name: 'Basic pixels embedder (no model)',
  dim: SHAPE_DIM + COLOUR_DIM,
  executionProvider: 'none',
};

/**
 * Images up to this size are decoded as they are and averaged down in JS: a sharp resize step costs about 1 ms of
 * CPU whatever the size, which is most of the work for MNIST/CIFAR-sized images. Larger ones are first brought to
 * this size by sharp (keeping JPEG shrink-on-load), then averaged the same way.
 */
const DIRECT_MAX_SIDE_PX = 64;

/** Decodes `absPath` to 16×16 interleaved sRGB bytes. Rejects with an ImageDecodeError naming the file. */
async function decodeThumbRgb(absPath: string): Promise<Uint8Array> {
  const image = await openImage(absPath);
  try {
    const { width = 0, height = 0 } = await image.metadata();
    let pipeline = image.removeAlpha().toColourspace('srgb');
    if (width > DIRECT_MAX_SIDE_PX || height > DIRECT_MAX_SIDE_PX) {
      pipeline = pipeline.resize(DIRECT_MAX_SIDE_PX, DIRECT_MAX_SIDE_PX, { fit: 'fill' });
    }
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return areaResizeRgb(data, info.width, info.height, THUMB_SIDE_PX);
  } catch (error) {
    throw asImageDecodeError(absPath, error);
  }
}

/** For each output cell along one axis: the source indices it covers and the share of each (summing to 1). */
function areaWeights(sourceSize: number, targetSize: number): { index: number; weight: number }[][] {
  const scale = sourceSize / targetSize;
  return Array.from({ length: targetSize }, (_, t) => {
    const start = t * scale;
    const end = start + scale;
    const cells: { index: number; weight: number }[] = [];
    for (let s = Math.floor(start); s < Math.ceil(end); s++) {
      const covered = Math.min(end, s + 1) - Math.max(start, s);
      if (covered > 1e-9) cells.push({ index: Math.min(s, sourceSize - 1), weight: covered / scale });
    }
    return cells;
  });
}

/** Area-averaging resize of interleaved RGB bytes to side×side (every source pixel counts by the area it covers). */
export function areaResizeRgb(rgb: Uint8Array, width: number, height: number, side: number): Uint8Array {
  const xWeights = areaWeights(width, side);
  const yWeights = areaWeights(height, side);
  const out = new Uint8Array(side * side * 3);
  for (let ty = 0; ty < side; ty++) {
    for (let tx = 0; tx < side; tx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const { index: sy, weight: wy } of yWeights[ty] ?? []) {
        for (const { index: sx, weight: wx } of xWeights[tx] ?? []) {
          const p = (sy * width + sx) * 3;
          const w = wx * wy;
          r += (rgb[p] as number) * w;
          g += (rgb[p + 1] as number) * w;
          b += (rgb[p + 2] as number) * w;
        }
      }
      const o = (ty * side + tx) * 3;
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(b);
    }
  }
  return out;
}

/** Writes the unnormalised feature row of one 16×16 RGB thumbnail into `out` at `offset`. */
export function writePixelFeatures(rgb: Uint8Array, out: Float32Array, offset: number): void {
  // Shape part: Rec. 601 luma, mean-centred, unit norm.
  let lumaSum = 0;
  for (let i = 0; i < SHAPE_DIM; i++) {
    const luma = 0.299 * (rgb[i * 3] as number) + 0.587 * (rgb[i * 3 + 1] as number) + 0.114 * (rgb[i * 3 + 2] as number);
    out[offset + i] = luma;
    lumaSum += luma;
  }
  const lumaMean = lumaSum / SHAPE_DIM;
  let sumOfSquares = 0;
  for (let i = 0; i < SHAPE_DIM; i++) {
    const centred = (out[offset + i] as number) - lumaMean;
    out[offset + i] = centred;
    sumOfSquares += centred * centred;
  }
  const shapeScale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 0;
  for (let i = 0; i < SHAPE_DIM; i++) out[offset + i] = (out[offset + i] as number) * shapeScale;

  // Colour part: mean RGB of each 4×4-pixel cell of the thumbnail.
  const cellSide = THUMB_SIDE_PX / GRID_SIDE;
  const pixelsPerCell = cellSide * cellSide;
  const colourStart = offset + SHAPE_DIM;
  for (let gy = 0; gy < GRID_SIDE; gy++) {
    for (let gx = 0; gx < GRID_SIDE; gx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = gy * cellSide; y < (gy + 1) * cellSide; y++) {
        for (let x = gx * cellSide; x < (gx + 1) * cellSide; x++) {
          const p = (y * THUMB_SIDE_PX + x) * 3;
          r += rgb[p] as number;
          g += rgb[p + 1] as number;
          b += rgb[p + 2] as number;
        }
      }
      const cell = colourStart + (gy * GRID_SIDE + gx) * 3;
      const toFeature = (sum: number): number => (sum / pixelsPerCell / 255 - 0.5) * COLOUR_SCALE * COLOUR_WEIGHT;
      out[cell] = toFeature(r);
      out[cell + 1] = toFeature(g);
      out[cell + 2] = toFeature(b);
    }
  }
}

export class PixelsEmbedder implements Embedder {
  readonly info = PIXELS_EMBEDDER_INFO;

  /** @param decodeConcurrency images decoded at once (sharp runs them on the libuv pool). */
  constructor(
    readonly batchSize = 256,
    private readonly decodeConcurrency = 8,
  ) {}

  async prepare(absPaths: readonly string[], signal?: AbortSignal): Promise<PreparedBatch> {
    const { dim } = this.info;
    const vectors = new Float32Array(absPaths.length * dim);
    const failed: EmbedFailure[] = [];
    await mapWithConcurrency(
      absPaths,
      this.decodeConcurrency,
      async (absPath, index) => {
        try {
          writePixelFeatures(await decodeThumbRgb(absPath), vectors, index * dim);
          writeUnitRow(vectors, index, vectors, index, dim);
        } catch (error) {
          failed.push({ index, reason: errorMessage(error) });
        }
      },
      signal,
    );
    failed.sort((a, b) => a.index - b.index);
    // The work is all in the decode; "running" the batch just hands the result over.
    return { size: absPaths.length, embed: async () => ({ vectors, failed }), discard: () => undefined };
  }

  async embedFiles(absPaths: readonly string[], signal?: AbortSignal): Promise<EmbedResult> {
    return (await this.prepare(absPaths, signal)).embed();
  }

  async close(): Promise<void> {}
}
