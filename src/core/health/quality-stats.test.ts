import { describe, expect, it } from 'vitest';
import type { RawPixels } from './pixels.js';
import { QualityStat, qualityStatsOf } from './quality-stats.js';

/** CleanVision's brightness percentiles by their definition: every pixel's float32 brightness, sorted, numpy-interpolated. */
function referencePercentiles(pixels: RawPixels): [number, number] {
  const n = pixels.width * pixels.height;
  const values = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [pixels.data[3 * p] as number, pixels.data[3 * p + 1] as number, pixels.data[3 * p + 2] as number];
    values[p] = Math.sqrt(0.241 * r * r + 0.691 * g * g + 0.068 * b * b) / 255;
  }
  values.sort();
  const at = (q: number): number => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const a = values[lo] as number;
    return lo + 1 >= n ? a : a + ((values[lo + 1] as number) - a) * (pos - lo);
  };
  return [at(0.99), at(0.05)];
}

function rgb(width: number, height: number, pixel: (p: number) => [number, number, number]): RawPixels {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(pixel(p), 3 * p);
  return { data, width, height, channels: 3 };
}

describe('qualityStatsOf brightness percentiles', () => {
  let state = 7;
  const random = (below: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.floor((state / 2 ** 32) * below);
  };
  /** A random colour whose 0.241 r² + 0.691 g² + 0.068 b² lies in [bucket, bucket + 1). */
  const sameBucket = (bucket: number): [number, number, number] => {
    for (;;) {
      const [r, g, b] = [random(256), random(256), random(256)];
      if (Math.floor(0.241 * r * r + 0.691 * g * g + 0.068 * b * b) === bucket) return [r, g, b];
    }
  };
  it.each([
    ['noise', rgb(97, 61, () => [random(256), random(256), random(256)])],
    ['few levels, many ties', rgb(80, 50, () => [random(3) * 100, random(3) * 100, random(2) * 200])],
    ['one colour', rgb(40, 30, () => [77, 77, 77])],
    ['one pixel', rgb(1, 1, () => [10, 200, 30])],
    ['two pixels', rgb(2, 1, (p) => (p === 0 ? [10, 200, 30] : [250, 0, 5]))],
    // Pixels whose sums under the root share one integer part, nearly all distinct: the ranks inside it must be exact.
    ['one bucket of distinct values', rgb(25, 20, () => sameBucket(30000))],
    ['dark with a few bright pixels', rgb(64, 64, (p) => (p % 97 === 0 ? [255, 255, 255] : [random(8), random(8), random(8)]))],
  ])('equal the definition exactly on %s', async (_, pixels) => {
    const stats = await qualityStatsOf(pixels);
    const [p99, p5] = referencePercentiles(pixels);
    expect(stats[QualityStat.brightnessP99]).toBe(Math.fround(p99));
    expect(stats[QualityStat.brightnessP5]).toBe(Math.fround(p5));
  });
});
