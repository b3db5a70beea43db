/** Seeded synthetic data for the health tests: Gaussian blobs and uniform noise. */
import { mulberry32 } from '../project/prng.js';

export function gaussianSampler(seed: number): () => number {
  const random = mulberry32(seed);
  return () => {
    // Box–Muller; 1 − u keeps the log argument in (0, 1].
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** `perBlob` points around each centre (interleaved x,y), with the blob index of each point. */
export function blobs2d(centres: readonly [number, number][], perBlob: number, spread: number, seed: number): { xy: Float32Array; truth: Int32Array } {
  const gauss = gaussianSampler(seed);
  const n = centres.length * perBlob;
  const xy = new Float32Array(2 * n);
  const truth = new Int32Array(n);
  centres.forEach(([cx, cy], b) => {
    for (let p = 0; p < perBlob; p++) {
      const i = b * perBlob + p;
      xy[2 * i] = cx + spread * gauss();
      xy[2 * i + 1] = cy + spread * gauss();
      truth[i] = b;
    }
  });
  return { xy, truth };
}

/** Adjusted Rand index of two labelings (noise -1 counts as its own label). */
export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  const n = a.length;
  const pairs = new Map<string, number>();
  const ca = new Map<number, number>();
  const cb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
    ca.set(a[i] as number, (ca.get(a[i] as number) ?? 0) + 1);
    cb.set(b[i] as number, (cb.get(b[i] as number) ?? 0) + 1);
  }
  const c2 = (x: number): number => (x * (x - 1)) / 2;
  let index = 0;
  for (const v of pairs.values()) index += c2(v);
  let sa = 0;
  for (const v of ca.values()) sa += c2(v);
  let sb = 0;
  for (const v of cb.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
