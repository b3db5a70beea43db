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
  const rgb = pixels.channels === 3 ? rgbHistograms(pixels.data, width * height) : null;
  // A one-channel image's histogram serves both its brightness percentiles and its entropy.
  const grayHist = rgb ? null : histogramOf(pixels.data);
  const [p99, p5] = rgb ? rgbBrightnessPercentiles(pixels.data, rgb) : grayBrightnessPercentiles(grayHist as Int32Array, width * height);
  stats[QualityStat.brightnessP99] = p99;
  stats[QualityStat.brightnessP5] = p5;
  stats[QualityStat.entropyBits] = entropyBits(rgb ? rgb.bands : (grayHist as Int32Array), pixels.data.length);
  const gray = await blurGray(rgb ? rgb.gray : pixels.data, width, height);
  stats[QualityStat.blurEdgeStd] = edgeStd(gray.data, gray.width, gray.height);
  stats[QualityStat.blurGrayHistStd] = histogramCountStd(gray.data);
  stats[QualityStat.widthPx] = width;
  stats[QualityStat.heightPx] = height;
  stats[QualityStat.channelSpreadP99] = rgb ? channelSpreadP99(rgb.spreads, width * height) : 0;
  return stats;
}

/** 0.241 v², 0.691 v² and 0.068 v² for every byte v: the terms of CleanVision's brightness, each as it computes it. */
const BRIGHTNESS_TERMS = [0.241, 0.691, 0.068].map((weight) => Float64Array.from({ length: 256 }, (_, v) => weight * v * v)) as [
  Float64Array,
  Float64Array,
  Float64Array,
];
/**
 * The same terms times 1000, exact integers: their sum S orders pixels as the float sum does (pixels whose S differ
 * differ by 0.001 under the root, far above the float sum's rounding), so buckets of S can stand for it.
 */
const BRIGHTNESS_TERMS_1000 = [241, 691, 68].map((weight) => Int32Array.from({ length: 256 }, (_, v) => weight * v * v)) as [
  Int32Array,
  Int32Array,
  Int32Array,
];
/** S >> 14: 3,969 buckets (16 KB of counts, inside the L1 cache; a bucket per unit of the float sum took 254 KB). */
const BRIGHTNESS_BUCKET_SHIFT = 14;
const BRIGHTNESS_BUCKETS = (1000 * 65025 >> BRIGHTNESS_BUCKET_SHIFT) + 1;

interface RgbHistograms {
  /** Pixels by bucket of 241 r² + 691 g² + 68 b² (1000 × 255² times the brightness squared). */
  brightnessBuckets: Int32Array;
  /** Each pixel's bucket. */
  bucketOf: Uint16Array;
  /** The R, G and B histograms, one after another (PIL's band histogram). */
  bands: Int32Array;
  /** Pixels by max(R,G,B) − min(R,G,B). */
  spreads: Int32Array;
  /** PIL "L" luma of every pixel (ITU-R 601-2, PIL's fixed-point rounding). */
  gray: Uint8Array;
}

/**
 * What the stats need from an RGB image's pixels, in one pass over them. A pass per statistic read the 0.9 MB of a
 * 640×480 image four times over and took 6.5 ms of a row's 9-11 ms; the whole row now takes about 7.
 */
function rgbHistograms(d: Uint8Array, n: number): RgbHistograms {
  const [termR, termG, termB] = BRIGHTNESS_TERMS_1000;
  const brightnessBuckets = new Int32Array(BRIGHTNESS_BUCKETS);
  const bucketOf = new Uint16Array(n);
  const bands = new Int32Array(768);
  const spreads = new Int32Array(256);
  const gray = new Uint8Array(n);
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const r = d[i] as number;
    const g = d[i + 1] as number;
    const b = d[i + 2] as number;
    const bucket = ((termR[r] as number) + (termG[g] as number) + (termB[b] as number)) >> BRIGHTNESS_BUCKET_SHIFT;
    brightnessBuckets[bucket] = (brightnessBuckets[bucket] as number) + 1;
    bucketOf[p] = bucket;
    bands[r] = (bands[r] as number) + 1;
    bands[256 + g] = (bands[256 + g] as number) + 1;
    bands[512 + b] = (bands[512 + b] as number) + 1;
    const high = r > g ? (r > b ? r : b) : g > b ? g : b;
    const low = r < g ? (r < b ? r : b) : g < b ? g : b;
    spreads[high - low] = (spreads[high - low] as number) + 1;
    gray[p] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }
  return { brightnessBuckets, bucketOf, bands, spreads, gray };
}

function histogramOf(values: Uint8Array): Int32Array {
  const hist = new Int32Array(256);
  for (let i = 0; i < values.length; i++) hist[values[i] as number] = (hist[values[i] as number] as number) + 1;
  return hist;
}

/** [99th, 5th] percentiles of a one-channel image's brightness (v / 255), numpy-style linear interpolation. */
function grayBrightnessPercentiles(hist: Int32Array, n: number): [number, number] {
  return [histogramQuantile(hist, n, 0.99) / 255, histogramQuantile(hist, n, 0.05) / 255];
}

/** [99th, 5th] percentiles of an RGB image's brightness, numpy-style linear interpolation. */
function rgbBrightnessPercentiles(d: Uint8Array, histograms: RgbHistograms): [number, number] {
  const n = histograms.bucketOf.length;
  const at99 = 0.99 * (n - 1);
  const at5 = 0.05 * (n - 1);
  const ranks = [Math.floor(at99), Math.min(n - 1, Math.floor(at99) + 1), Math.floor(at5), Math.min(n - 1, Math.floor(at5) + 1)];
  const [lo99, hi99, lo5, hi5] = brightnessOrderStatistics(d, histograms, ranks) as [number, number, number, number];
  // numpy's linear interpolation, as selecting the two neighbouring order statistics gave it.
  return [lo99 + (hi99 - lo99) * (at99 - Math.floor(at99)), lo5 + (hi5 - lo5) * (at5 - Math.floor(at5))];
}

/**
 * The brightnesses of the given ranks among the RGB pixels in `d`, as float32 (CleanVision's sqrt(0.241 r² +
 * 0.691 g² + 0.068 b²) / 255). Brightness rises with the sum under the root, so with the pixels counted into
 * buckets of it (`counts`: see BRIGHTNESS_TERMS_1000), only the pixels in the buckets holding those ranks are kept
 * and searched: one more pass over the pixels, where selecting in a float array of them all took twice as long.
 */
function brightnessOrderStatistics(d: Uint8Array, { brightnessBuckets: counts, bucketOf }: RgbHistograms, ranks: readonly number[]): number[] {
  const [termR, termG, termB] = BRIGHTNESS_TERMS;
  // Each rank's bucket, and its rank within the bucket.
  const wanted = ranks.map((rank) => {
    let bucket = 0;
    let below = 0;
    while (below + (counts[bucket] as number) <= rank) below += counts[bucket++] as number;
    return { bucket, within: rank - below };
  });
  const slotOf = new Int8Array(BRIGHTNESS_BUCKETS).fill(-1);
  const kept: Float64Array[] = [];
  for (const { bucket } of wanted) {
    if (slotOf[bucket] !== -1) continue;
    slotOf[bucket] = kept.length;
    kept.push(new Float64Array(counts[bucket] as number));
  }
  const fill = new Int32Array(kept.length);
  for (let p = 0; p < bucketOf.length; p++) {
    const slot = slotOf[bucketOf[p] as number] as number;
    if (slot < 0) continue;
    // CleanVision's float sum, term for term and in its order: 0.241 * r * r + 0.691 * g * g + 0.068 * b * b.
    const i = 3 * p;
    (kept[slot] as Float64Array)[fill[slot] as number] = (termR[d[i] as number] as number) + (termG[d[i + 1] as number] as number) + (termB[d[i + 2] as number] as number);
    fill[slot] = (fill[slot] as number) + 1;
  }
  return wanted.map(({ bucket, within }) => Math.fround(Math.sqrt(selectKth(kept[slotOf[bucket] as number] as Float64Array, within)) / 255));
}

/** Linear-interpolated quantile of integer values given as a histogram of counts. */
function histogramQuantile(hist: Int32Array, n: number, q: number): number {
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

/** Hoare-style quickselect: leaves the k-th smallest at index k, smaller left, larger right. */
function selectKth(a: Float32Array | Float64Array, k: number): number {
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

/** PIL Image.entropy(): entropy in bits of the concatenated band histograms (`hist`) of `total` values. */
function entropyBits(hist: Int32Array, total: number): number {
  let entropy = 0;
  for (const count of hist) {
    if (count === 0) continue;
    const p = count / total;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** The PIL "L" image `gray`, shrunk to at most BLUR_MAX_SIDE_PX on the longer side. */
async function blurGray(gray: Uint8Array, width: number, height: number): Promise<{ data: Uint8Array; width: number; height: number }> {
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
  const hist = histogramOf(gray);
  const mean = gray.length / 256;
  let s = 0;
  for (const c of hist) s += (c - mean) ** 2;
  return Math.sqrt(s / 256);
}

/** 99th percentile (nearest rank) of the per-pixel channel spread, from its histogram over `n` pixels. */
function channelSpreadP99(hist: Int32Array, n: number): number {
  const rank = Math.ceil(0.99 * n);
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v] as number;
    if (seen >= rank) return v;
  }
  return 255;
}
