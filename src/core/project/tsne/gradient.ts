/** The attractive half of the t-SNE gradient, exact over the sparse affinities. */
import type { SparseAffinities } from './affinities.js';

/**
 * Adds Σⱼ pᵢⱼ·qᵢⱼ·(yᵢ - yⱼ) (times `exaggeration`) to `force` for points [from, to), with qᵢⱼ = 1 / (1 + |yᵢ - yⱼ|²).
 */
export function attractiveForces(p: SparseAffinities, xy: Float64Array, exaggeration: number, from: number, to: number, force: Float64Array): void {
  const { rowStart, columns, values } = p;
  for (let i = from; i < to; i++) {
    const xi = xy[2 * i] as number;
    const yi = xy[2 * i + 1] as number;
    let fx = 0;
    let fy = 0;
    const end = rowStart[i + 1] as number;
    for (let e = rowStart[i] as number; e < end; e++) {
      const j = columns[e] as number;
      const dx = xi - (xy[2 * j] as number);
      const dy = yi - (xy[2 * j + 1] as number);
      const w = (values[e] as number) / (1 + dx * dx + dy * dy);
      fx += w * dx;
      fy += w * dy;
    }
    force[2 * i]! += exaggeration * fx;
    force[2 * i + 1]! += exaggeration * fy;
  }
}
