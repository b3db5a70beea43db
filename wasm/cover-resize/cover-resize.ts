// AssemblyScript, compiled to resources/wasm/cover-resize.wasm by `npm run build:wasm` (checked by
// src/core/decode/cover-resize.test.ts). The two passes of a separable resize whose filter weights the caller
// (src/core/decode/cover-resize.ts) lays out in this module's memory. Written here rather than left to sharp because
// libvips' fixed cost per image is most of a 640×480 CLIP decode: see cover-resize.ts.
//
// Buffers need 64 bytes of slack past their end: loads and stores run in whole 16-byte vectors.

/**
 * Vertical pass: for each output row y, sums `counts[y]` source rows from `starts[y]` weighted by the Q14 integers
 * `weights[y * kmax + k]`, over the `rowBytes` bytes from byte `firstByte` of each row. Writes the sums rounded to
 * value × 64 as i16 to `rows`, `rowBytes` (a multiple of 16) per output row: six fraction bits keep every output
 * within a level of the exact sums, and i16 lets the horizontal pass apply two taps per dot product.
 */
export function verticalPass(src: usize, srcStride: i32, firstByte: i32, rowBytes: i32, outRows: i32,
                             starts: usize, counts: usize, weights: usize, kmax: i32, rows: usize): void {
  const half = i32x4.splat(128);
  for (let y = 0; y < outRows; y++) {
    const start = load<i32>(starts + (<usize>y << 2));
    const count = load<i32>(counts + (<usize>y << 2));
    const weightRow = weights + (<usize>(y * kmax) << 1);
    const outRow = rows + (<usize>(y * rowBytes) << 1);
    for (let i = 0; i < rowBytes; i += 16) {
      let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
      let p = src + <usize>(start * srcStride + firstByte + i);
      let k = 0;
      // Two rows at a time: their bytes interleaved, one dot product applies both rows' weights.
      for (; k + 1 < count; k += 2) {
        const w = i32x4.splat(load<i32>(weightRow + (<usize>k << 1))); // lanes: weight k, weight k + 1, ...
        const upper = v128.load(p);
        const lower = v128.load(p + <usize>srcStride);
        const lo = i8x16.shuffle(upper, lower, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const hi = i8x16.shuffle(upper, lower, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(lo), w));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(lo), w));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(hi), w));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(hi), w));
        p += <usize>(srcStride << 1);
      }
      if (k < count) {
        const w = i16x8.splat(load<i16>(weightRow + (<usize>k << 1)));
        const v = v128.load(p);
        const lo = i16x8.extend_low_i8x16_u(v);
        const hi = i16x8.extend_high_i8x16_u(v);
        a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(lo, w));
        a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(lo, w));
        a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_s(hi, w));
        a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_s(hi, w));
      }
      // value × 16384 to value × 64, rounded half up.
      const out = outRow + (<usize>i << 1);
      v128.store(out, i16x8.narrow_i32x4_s(i32x4.shr_s(i32x4.add(a0, half), 8), i32x4.shr_s(i32x4.add(a1, half), 8)));
      v128.store(out, i16x8.narrow_i32x4_s(i32x4.shr_s(i32x4.add(a2, half), 8), i32x4.shr_s(i32x4.add(a3, half), 8)), 16);
    }
  }
}

/**
 * Horizontal pass over the vertical pass's rows (interleaved RGB as i16 value × 64, `rowBytes` per row): output
 * pixel x sums the `pairs[x]` pairs of pixels from pixel `starts[x]`, pair j weighted by the Q14 integers at
 * `weights + (x * kmax + j) * 16` (the pair's two weights, four times over; a filter of odd length ends with a zero
 * weight); rounds half up and clamps to 0..255, as Pillow does. Writes `outCols` RGB pixels per row to `out`.
 */
export function horizontalPass(rows: usize, rowBytes: i32, rowCount: i32, outCols: i32,
                               starts: usize, pairs: usize, weights: usize, kmax: i32, out: usize): void {
  const half = i32x4.splat(1 << 19);
  const zero = i16x8.splat(0);
  for (let y = 0; y < rowCount; y++) {
    const row = rows + (<usize>(y * rowBytes) << 1);
    let o = out + <usize>(y * outCols * 3);
    for (let x = 0; x < outCols; x++) {
      const count = load<i32>(pairs + (<usize>x << 2));
      let p = row + <usize>(load<i32>(starts + (<usize>x << 2)) * 6);
      let w = weights + (<usize>(x * kmax) << 4);
      // Two sums, so that each add need not wait for the previous one. Lanes: R, G, B and a fourth ignored.
      let even = half;
      let odd = i32x4.splat(0);
      let j = 0;
      for (; j + 1 < count; j += 2) {
        // R G B R' G' B' of a pair of pixels to R R' G G' B B': one dot product applies both weights.
        even = i32x4.add(even, i32x4.dot_i16x8_s(i8x16.shuffle(v128.load(p), zero, 0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, 12, 13, 14, 15), v128.load(w)));
        odd = i32x4.add(odd, i32x4.dot_i16x8_s(i8x16.shuffle(v128.load(p, 12), zero, 0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, 12, 13, 14, 15), v128.load(w, 16)));
        p += 24;
        w += 32;
      }
      if (j < count) even = i32x4.add(even, i32x4.dot_i16x8_s(i8x16.shuffle(v128.load(p), zero, 0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, 12, 13, 14, 15), v128.load(w)));
      const sums = i32x4.shr_s(i32x4.add(even, odd), 20);
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(sums, sums), zero);
      // Writes 4 bytes; the fourth is overwritten by the next pixel (or lands in the slack).
      v128.store32_lane(o, bytes, 0);
      o += 3;
    }
  }
}
