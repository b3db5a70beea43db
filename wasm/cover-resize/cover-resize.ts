// AssemblyScript, compiled to resources/wasm/cover-resize.wasm by `npm run build:wasm` (checked by
// src/core/decode/cover-resize.test.ts). The two passes of a separable resize whose filter weights the caller
// (src/core/decode/cover-resize.ts) lays out in this module's memory. Written here rather than left to sharp because
// libvips' fixed cost per image is most of a 640×480 CLIP decode: see cover-resize.ts.
//
// Buffers need 64 bytes of slack past their end: loads and stores run in whole 16-byte vectors.

/**
 * Vertical pass: for each output row y, sums `counts[y]` source rows from `starts[y]` weighted by the Q14 integers
 * `weights[y * kmax + k]`, over the `rowBytes` bytes from byte `firstByte` of each row. Writes the sums
 * (value × 16384) as f32 to `rows`, `rowBytes` (a multiple of 16) per output row.
 */
export function verticalPass(src: usize, srcStride: i32, firstByte: i32, rowBytes: i32, outRows: i32,
                             starts: usize, counts: usize, weights: usize, kmax: i32, rows: usize): void {
  for (let y = 0; y < outRows; y++) {
    const start = load<i32>(starts + (<usize>y << 2));
    const count = load<i32>(counts + (<usize>y << 2));
    const weightRow = weights + (<usize>(y * kmax) << 1);
    const outRow = rows + (<usize>(y * rowBytes) << 2);
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
      // Converted once here rather than at each of the horizontal pass's taps.
      const out = outRow + (<usize>i << 2);
      v128.store(out, f32x4.convert_i32x4_s(a0));
      v128.store(out, f32x4.convert_i32x4_s(a1), 16);
      v128.store(out, f32x4.convert_i32x4_s(a2), 32);
      v128.store(out, f32x4.convert_i32x4_s(a3), 48);
    }
  }
}

/**
 * Horizontal pass over the vertical pass's rows (interleaved RGB, `rowBytes` f32 per row): output pixel x sums
 * `counts[x]` pixels from pixel `starts[x]`, weighted by `weights[x * kmax + k]`, each an f32 repeated in four lanes
 * (and folding in the 1/16384 of the Q14 vertical weights); rounds half up and clamps to 0..255, as Pillow does.
 * Writes `outCols` RGB pixels per row to `out`.
 */
export function horizontalPass(rows: usize, rowBytes: i32, rowCount: i32, outCols: i32,
                               starts: usize, counts: usize, weights: usize, kmax: i32, out: usize): void {
  const half = f32x4.splat(0.5);
  const zero = i16x8.splat(0);
  for (let y = 0; y < rowCount; y++) {
    const row = rows + (<usize>(y * rowBytes) << 2);
    let o = out + <usize>(y * outCols * 3);
    for (let x = 0; x < outCols; x++) {
      const count = load<i32>(counts + (<usize>x << 2));
      let p = row + (<usize>(load<i32>(starts + (<usize>x << 2)) * 3) << 2);
      const weightRow = weights + (<usize>(x * kmax) << 4);
      // Two sums, even and odd taps, so that each add need not wait for the previous one.
      // Four lanes: this pixel's R, G, B and the next pixel's R, which is ignored.
      let even = half;
      let odd = f32x4.splat(0);
      let k = 0;
      for (; k + 1 < count; k += 2) {
        even = f32x4.add(even, f32x4.mul(v128.load(p), v128.load(weightRow + (<usize>k << 4))));
        odd = f32x4.add(odd, f32x4.mul(v128.load(p, 12), v128.load(weightRow + (<usize>k << 4), 16)));
        p += 24;
      }
      if (k < count) even = f32x4.add(even, f32x4.mul(v128.load(p), v128.load(weightRow + (<usize>k << 4))));
      const rounded = i32x4.trunc_sat_f32x4_u(f32x4.add(even, odd));
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(rounded, rounded), zero);
      // Writes 4 bytes; the fourth is overwritten by the next pixel (or lands in the slack).
      v128.store32_lane(o, bytes, 0);
      o += 3;
    }
  }
}
