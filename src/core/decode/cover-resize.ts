/**
 * CLIP's resize and crop, exactly as Hugging Face's CLIPImageProcessor and OpenAI's preprocessing run them on PIL:
 * the shortest side to `size` with Pillow's bicubic filter (long side truncated), then the centre `size`×`size`
 * crop (offset rounded down). Only the cropped pixels are computed.
 *
 * Written here rather than left to sharp: for a 640×480 JPEG, libvips' fixed cost per image is most of a CLIP
 * decode (sharp 5.3 ms an image, against 1.2 ms for libjpeg-turbo's decode plus 0.5 ms for this resize), and
 * sharp's cubic cover-resize lands a pixel off PIL's (mean difference 5.5 levels on a photo, against 1 here).
 * The two passes run in WebAssembly SIMD (wasm/cover-resize, built to resources/wasm/cover-resize.wasm).
 */
import { readFileSync } from 'node:fs';
import { coverResizeWasmPath } from '../resources.js';

/** Where the centre crop sits in the resized image. */
export interface CoverGeometry {
  resizedWidth: number;
  resizedHeight: number;
  left: number;
  top: number;
}

/** HF CLIPImageProcessor's sizes: shortest side to `size`, the other int(size × long / short), crop floor-centred. */
export function coverGeometry(width: number, height: number, size: number): CoverGeometry {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const resizedLong = Math.max(size, Math.floor((size * long) / short));
  const resizedWidth = width >= height ? resizedLong : size;
  const resizedHeight = width >= height ? size : resizedLong;
  return { resizedWidth, resizedHeight, left: Math.floor((resizedWidth - size) / 2), top: Math.floor((resizedHeight - size) / 2) };
}

/**
 * Whether the kernel should resize a width×height image to a `size` crop: below a 4× reduction. From there sharp,
 * which decodes JPEG and WebP at a fraction of their size (shrink-on-load), is faster (at 1280×960: sharp 7.1 ms an
 * image, a full libjpeg-turbo decode alone 6.6 ms; at 1024×768: 5.9 against 3.6). The pixel cap bounds the
 * kernel's memory for panoramas narrow enough to pass.
 */
export function kernelResizes(width: number, height: number, size: number): boolean {
  const short = Math.min(width, height);
  return short >= 1 && short < 4 * size && width * height <= 4 * (4 * size) ** 2;
}

/** Pillow's bicubic filter (a = −0.5), support 2. */
function bicubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return (1.5 * t - 2.5) * t * t + 1;
  if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
  return 0;
}

/** Output sample i reads `counts[i]` inputs from `starts[i]`, weighted by weights[i * taps + k] (summing to 1). */
export interface AxisFilter {
  starts: Int32Array;
  counts: Int32Array;
  weights: Float64Array;
  taps: number;
}

/**
 * Pillow's precompute_coeffs (libImaging/Resample.c) for outputs [first, first + count) of an inSize → outSize
 * resize: the filter widens by the downscale factor, so every input pixel contributes.
 */
export function axisFilter(inSize: number, outSize: number, first: number, count: number): AxisFilter {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const starts = new Int32Array(count);
  const counts = new Int32Array(count);
  const weights = new Float64Array(count * taps);
  for (let i = 0; i < count; i++) {
    const centre = (first + i + 0.5) * scale;
    const from = Math.max(0, Math.trunc(centre - support + 0.5));
    const to = Math.min(inSize, Math.trunc(centre + support + 0.5));
    let total = 0;
    for (let x = from; x < to; x++) {
      const w = bicubic((x - centre + 0.5) / filterScale);
      weights[i * taps + (x - from)] = w;
      total += w;
    }
    if (total !== 0) for (let k = 0; k < to - from; k++) weights[i * taps + k] = (weights[i * taps + k] as number) / total;
    starts[i] = from;
    counts[i] = to - from;
  }
  return { starts, counts, weights, taps };
}

/**
 * Weights are Q14 integers. Vertical sums (255 × 16384 × the filter's absolute sum) and horizontal ones (the vertical
 * pass's value × 64, times 16384 and that sum again, under 2^29) stay far inside an i32.
 */
const Q14 = 16384;
/** Loads and stores run in 16-byte vectors: every buffer gets this much slack past its end. */
const SLACK_BYTES = 64;
/** The kernel's own (static) memory lies below; our buffers start at the second page. */
const FIRST_FREE_BYTE = 65536;
const WASM_PAGE_BYTES = 65536;

/** The parts of the WebAssembly API used here: this project's typings (ES2023, no DOM lib) declare none of it. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: unknown } };
};

interface KernelExports {
  memory: WasmMemory;
  verticalPass(src: number, srcStride: number, firstByte: number, rowBytes: number, outRows: number, starts: number, counts: number, weights: number, kmax: number, rows: number): void;
  horizontalPass(rows: number, rowBytes: number, rowCount: number, outCols: number, starts: number, pairs: number, weights: number, kmax: number, out: number): void;
}

/** Byte offsets in the kernel's memory for one source size: filters written once, buffers reused. */
interface Plan {
  width: number;
  height: number;
  firstByte: number;
  rowBytes: number;
  vStarts: number;
  vCounts: number;
  vWeights: number;
  vTaps: number;
  hStarts: number;
  hPairs: number;
  hWeights: number;
  hPairsMax: number;
  rows: number;
  out: number;
  src: number;
}

/** Resizes interleaved RGB to the `size`×`size` CLIP crop. One per process (the kernel's memory is its own). */
export class CoverResizer {
  private plan: Plan | null = null;

  private constructor(
    private readonly kernel: KernelExports,
    readonly size: number,
  ) {}

  /** Compiles the kernel. Throws where WebAssembly SIMD is missing; callers then resize with sharp. */
  static load(size: number, wasmPath: string = coverResizeWasmPath()): CoverResizer {
    const instance = new wasm.Instance(new wasm.Module(readFileSync(wasmPath)), {});
    return new CoverResizer(instance.exports as unknown as KernelExports, size);
  }

  /**
   * Resizes a `width`×`height` RGB image: `fill` writes its width × height × 3 bytes into the view it is given (a
   * decoder can decode straight into it). Returns a new size × size × 3 array.
   */
  resize(width: number, height: number, fill: (rgb: Uint8Array) => void): Uint8Array {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`Cannot resize a ${width}×${height} image`);
    const plan = this.planFor(width, height);
    fill(new Uint8Array(this.kernel.memory.buffer, plan.src, width * height * 3));
    const { size } = this;
    this.kernel.verticalPass(plan.src, width * 3, plan.firstByte, plan.rowBytes, size, plan.vStarts, plan.vCounts, plan.vWeights, plan.vTaps, plan.rows);
    this.kernel.horizontalPass(plan.rows, plan.rowBytes, size, size, plan.hStarts, plan.hPairs, plan.hWeights, plan.hPairsMax, plan.out);
    return new Uint8Array(this.kernel.memory.buffer, plan.out, size * size * 3).slice();
  }

  private planFor(width: number, height: number): Plan {
    if (this.plan?.width === width && this.plan.height === height) return this.plan;
    const { size } = this;
    const geometry = coverGeometry(width, height, size);
    const vertical = axisFilter(height, geometry.resizedHeight, geometry.top, size);
    const horizontal = axisFilter(width, geometry.resizedWidth, geometry.left, size);
    // The vertical pass reads only the source columns the crop's horizontal filter touches.
    const firstColumn = horizontal.starts[0] as number;
    const endColumn = (horizontal.starts[size - 1] as number) + (horizontal.counts[size - 1] as number);
    const rowBytes = Math.ceil(((endColumn - firstColumn) * 3) / 16) * 16;
    const hPairsMax = Math.ceil(horizontal.taps / 2);

    let next = FIRST_FREE_BYTE;
    const take = (bytes: number): number => {
      const at = next;
      next += Math.ceil((bytes + SLACK_BYTES) / 64) * 64;
      return at;
    };
    const plan: Plan = {
      width,
      height,
      firstByte: firstColumn * 3,
      rowBytes,
      vStarts: take(size * 4),
      vCounts: take(size * 4),
      vWeights: take(size * vertical.taps * 2),
      vTaps: vertical.taps,
      hStarts: take(size * 4),
      hPairs: take(size * 4),
      hWeights: take(size * hPairsMax * 16),
      hPairsMax,
      rows: take(size * rowBytes * 2),
      out: take(size * size * 3),
      src: take(width * height * 3),
    };
    const memory = this.kernel.memory;
    if (next > memory.buffer.byteLength) memory.grow(Math.ceil((next - memory.buffer.byteLength) / WASM_PAGE_BYTES));

    const buffer = memory.buffer;
    new Int32Array(buffer, plan.vStarts, size).set(vertical.starts);
    new Int32Array(buffer, plan.vCounts, size).set(vertical.counts);
    new Int16Array(buffer, plan.vWeights, size * vertical.taps).set(q14Weights(vertical));
    new Int32Array(buffer, plan.hStarts, size).set(horizontal.starts.map((start) => start - firstColumn));
    new Int32Array(buffer, plan.hPairs, size).set(horizontal.counts.map((count) => Math.ceil(count / 2)));
    // Each pair of horizontal weights four times over (one per lane pair of a dot product); an odd tail pairs with 0.
    const hWeights = new Int16Array(buffer, plan.hWeights, size * hPairsMax * 8).fill(0);
    const fixed = q14Weights(horizontal);
    for (let i = 0; i < size; i++) {
      for (let k = 0; k < (horizontal.counts[i] as number); k++) {
        const at = (i * hPairsMax + (k >> 1)) * 8 + (k & 1);
        for (let lane = 0; lane < 8; lane += 2) hWeights[at + lane] = fixed[i * horizontal.taps + k] as number;
      }
    }
    this.plan = plan;
    return plan;
  }
}

/** Rounds each output's weights to Q14, putting the rounding error on its largest weight so they sum to exactly 1. */
function q14Weights(filter: AxisFilter): Int16Array {
  const fixed = new Int16Array(filter.weights.length);
  for (let i = 0; i < filter.counts.length; i++) {
    const base = i * filter.taps;
    let total = 0;
    let largest = base;
    for (let k = 0; k < (filter.counts[i] as number); k++) {
      fixed[base + k] = Math.round((filter.weights[base + k] as number) * Q14);
      total += fixed[base + k] as number;
      if ((filter.weights[base + k] as number) > (filter.weights[largest] as number)) largest = base + k;
    }
    fixed[largest] = (fixed[largest] as number) + Q14 - total;
  }
  return fixed;
}
