/**
 * Per-image pixel statistics for the image-quality checks, computed once per image and stored (the store's
 * `image_stats` table) so thresholds can change without decoding again. Bump QUALITY_STATS_VERSION whenever the
 * layout or a computation changes: stored rows of another version are recomputed.
 *
 * Definitions follow CleanVision (cleanvision/issue_managers/image_property.py):
 * - brightness of a pixel b = sqrt(0.241 R² + 0.691 G² + 0.068 B²) / 255 (gray pixels: v / 255); we keep its 99th
 *   and 5th percentiles (numpy's linear interpolation) for the dark and light checks.
 * - entropy: PIL's Image.entropy() of the image as stored: Shannon entropy in bits of the concatenated per-band
 *   histograms (256 bins for grayscale, 768 for RGB; alpha dropped), so an RGB image scores up to log2(3) above
 *   the same picture stored as grayscale, as in CleanVision.
 * - blurriness: the image shrunk so its longer side is at most 64 px (size floor(w / ratio) × floor(h / ratio)),
 *   in PIL "L" grayscale; the standard deviation of PIL's FIND_EDGES filter (3×3 Laplacian, 8 in the centre, −1
 *   around, clipped to 0..255, border pixels copied) and the standard deviation of its 256-bin histogram counts.
 *   Differences from CleanVision: we convert to gray before shrinking, and shrink with libvips' cubic kernel
 *   rather than PIL's bicubic; both change values by rounding amounts only.
 * - grayscale: CleanVision requires all channels exactly equal; lossy RGB files of gray content carry chroma noise of
 *   a level or two, so we store the 99th percentile over pixels of max(R,G,B) − min(R,G,B) and compare it with a
 *   tolerance when flagging.
 */
import sharp from 'sharp';
import { decodePixels, type RawPixels } from './pixels.js';

export const QUALITY_STATS_VERSION = 1;

/** Column positions in a stats row. */
export const QualityStat = {
  brightnessP99: 0,
  brightnessP5: 1,
  entropyBits: 2,
  /** Standard deviation of the 64-px FIND_EDGES image (0..255 scale). */
  blurEdgeStd: 3,
  /** Standard deviation of the 64-px grayscale image's 256 histogram counts. */
  blurGrayHistStd: 4,
  widthPx: 5,
  heightPx: 6,
  /** 99th percentile of max(R,G,B) − min(R,G,B), 0..255; 0 for grayscale files. */
  channelSpreadP99: 7,
} as const;

export const QUALITY_STATS_DIM = 8;

/** CleanVision's MAX_RESOLUTION_FOR_BLURRY_DETECTION. */
export const BLUR_MAX_SIDE_PX = 64;

/** Decodes `absPath` (ImageDecodeError naming the file on failure) and computes its stats row. */
export async function imageQualityStats(absPath: string): Promise<Float32Array> {
  return qualityStatsOf(await decodePixels(absPath));
}

export async function qualityStatsOf(pixels: RawPixels): Promise<Float32Array> {
  const { width, height } = pixels;
  const stats = new Float32Array(QUALITY_STATS_DIM);
  const [p99, p5] = brightnessPercentiles(pixels);
  stats[QualityStat.brightnessP99] = p99;
  stats[QualityStat.brightnessP5] = p5;
  stats[QualityStat.entropyBits] = bandEntropyBits(pixels);
  const gray = await blurGray(pixels);
  stats[QualityStat.blurEdgeStd] = edgeStd(gray.data, gray.width, gray.height);
  stats[QualityStat.blurGrayHistStd] = histogramCountStd(gray.data);
  stats[QualityStat.widthPx] = width;
  stats[QualityStat.heightPx] = height;
  stats[QualityStat.channelSpreadP99] = channelSpreadP99(pixels);
  return stats;
}

/** [99th, 5th] percentiles of pixel brightness, numpy-style linear interpolation. */
function brightnessPercentiles(pixels: RawPixels): [number, number] {
  const n = pixels.width * pixels.height;
  if (pixels.channels === 1) {
    const hist = new Float64Array(256);
    for (const v of pixels.data) hist[v] = (hist[v] as number) + 1;
    return [histogramQuantile(hist, n, 0.99) / 255, histogramQuantile(hist, n, 0.05) / 255];
  }
  const b = new Float32Array(n);
  const d = pixels.data;
  for (let p = 0; p < n; p++) {
    const r = d[3 * p] as number;
    const g = d[3 * p + 1] as number;
    const bl = d[3 * p + 2] as number;
    b[p] = Math.sqrt(0.241 * r * r + 0.691 * g * g + 0.068 * bl * bl) / 255;
  }
  return [selectQuantile(b, 0.99), selectQuantile(b, 0.05)];
}

/** Linear-interpolated quantile of integer values given as a histogram of counts. */
function histogramQuantile(hist: Float64Array, n: number, q: number): number {
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const valueAt = (rank: number): number => {
    let seen = 0;
    for (let v = 0; v < hist.length; v++) {
      seen += hist[v] as number;
      if (seen > rank) return v;
    }
    return hist.length - 1;
  };
  const a = valueAt(lo);
  const b = valueAt(Math.min(n - 1, lo + 1));
  return a + (b - a) * (pos - lo);
}

/** Quantile by in-place selection (O(n); reorders `values`). */
function selectQuantile(values: Float32Array, q: number): number {
  const n = values.length;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const a = selectKth(values, lo);
  if (lo + 1 >= n) return a;
  // After selection everything right of `lo` is >= a: the next order statistic is their minimum.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if ((values[i] as number) < b) b = values[i] as number;
  return a + (b - a) * (pos - lo);
}

/** Hoare-style quickselect: leaves the k-th smallest at index k, smaller left, larger right. */
function selectKth(a: Float32Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k] as number;
}

/** PIL Image.entropy(): entropy in bits of the concatenated band histograms. */
function bandEntropyBits(pixels: RawPixels): number {
  const hist = new Float64Array(256 * pixels.channels);
  const d = pixels.data;
  for (let i = 0; i < d.length; i++) {
    const bin = (i % pixels.channels) * 256 + (d[i] as number);
    hist[bin] = (hist[bin] as number) + 1;
  }
  const total = d.length;
  let entropy = 0;
  for (const count of hist) {
    if (count === 0) continue;
    const p = count / total;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** PIL "L" luma (ITU-R 601-2, PIL's fixed-point rounding), shrunk to at most BLUR_MAX_SIDE_PX on the longer side. */
async function blurGray(pixels: RawPixels): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { width, height } = pixels;
  let gray: Uint8Array;
  if (pixels.channels === 1) {
    gray = pixels.data;
  } else {
    gray = new Uint8Array(width * height);
    const d = pixels.data;
    for (let p = 0; p < gray.length; p++) {
      gray[p] = ((d[3 * p] as number) * 19595 + (d[3 * p + 1] as number) * 38470 + (d[3 * p + 2] as number) * 7471 + 0x8000) >> 16;
    }
  }
  const ratio = Math.max(width, height) / BLUR_MAX_SIDE_PX;
  if (ratio <= 1) return { data: gray, width, height };
  const w = Math.max(Math.floor(width / ratio), 1);
  const h = Math.max(Math.floor(height / ratio), 1);
  const { data, info } = await sharp(gray, { raw: { width, height, channels: 1 } })
    .resize(w, h, { fit: 'fill', kernel: 'cubic' })
    // libvips may hand one-band input back as sRGB; keep one band.
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 || info.width !== w || info.height !== h) throw new Error(`shrinking for the blur check gave ${info.width}×${info.height}×${info.channels}, expected ${w}×${h}×1`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: w, height: h };
}

/** Population standard deviation of PIL's FIND_EDGES output. */
export function edgeStd(gray: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let sum2 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v: number;
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) {
        v = gray[y * width + x] as number;
      } else {
        const c = y * width + x;
        const around =
          (gray[c - width - 1] as number) + (gray[c - width] as number) + (gray[c - width + 1] as number) +
          (gray[c - 1] as number) + (gray[c + 1] as number) +
          (gray[c + width - 1] as number) + (gray[c + width] as number) + (gray[c + width + 1] as number);
        v = Math.min(255, Math.max(0, 8 * (gray[c] as number) - around));
      }
      sum += v;
      sum2 += v * v;
    }
  }
  const n = width * height;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sum2 / n - mean * mean));
}

/** numpy.std of the 256-bin histogram counts. */
function histogramCountStd(gray: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of gray) hist[v] = (hist[v] as number) + 1;
  const mean = gray.length / 256;
  let s = 0;
  for (const c of hist) s += (c - mean) ** 2;
  return Math.sqrt(s / 256);
}

/** 99th percentile (nearest rank) of the per-pixel channel spread; 0 for one-channel images. */
function channelSpreadP99(pixels: RawPixels): number {
  if (pixels.channels === 1) return 0;
  const hist = new Float64Array(256);
  const d = pixels.data;
  const n = pixels.width * pixels.height;
  for (let p = 0; p < n; p++) {
    const r = d[3 * p] as number;
    const g = d[3 * p + 1] as number;
    const b = d[3 * p + 2] as number;
    const spread = Math.max(r, g, b) - Math.min(r, g, b);
    hist[spread] = (hist[spread] as number) + 1;
  }
  const rank = Math.ceil(0.99 * n);
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v] as number;
    if (seen >= rank) return v;
  }
  return 255;
}
