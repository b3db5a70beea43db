/** Seeded pseudo-random numbers, so generated models are byte-for-byte reproducible. */
export { mulberry32 } from '../../src/core/project/prng.js';

/** Fills `out` with N(0, std²) samples (Box–Muller, both outputs used). */
export function fillNormal(out: Float32Array, std: number, uniform: () => number): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = 1 - uniform(); // (0, 1]: log stays finite
    const u2 = uniform();
    const radius = std * Math.sqrt(-2 * Math.log(u1));
    out[i] = radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
