/** Clustered unit vectors for search tests and the bench: like image embeddings, they form groups. */
import { mulberry32 } from '../project/prng.js';

export function clusteredUnitRows(rows: number, dim: number, clusters: number, seed: number, spread = 1): Float32Array {
  const random = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i += 1) centres[i] = gauss();
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r += 1) {
    const c = Math.floor(random() * clusters);
    let s = 0;
    for (let d = 0; d < dim; d += 1) {
      const v = (centres[c * dim + d] as number) + spread * gauss();
      data[r * dim + d] = v;
      s += v * v;
    }
    const scale = 1 / Math.sqrt(s);
    for (let d = 0; d < dim; d += 1) data[r * dim + d] = (data[r * dim + d] as number) * scale;
  }
  return data;
}
