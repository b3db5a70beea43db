import { layoutBounds } from './layout-bounds.js';
/**
 * Centres a 2-D layout on its bounding box and scales it so the longer side spans [-1, 1], keeping the aspect
 * ratio. UMAP coordinates have no meaning of their own; a fixed frame keeps previews from jumping in scale.
 * A layout with no extent (all points on one spot) becomes all zeros.
 */
export function normalizeLayout(xy: Float32Array): Float32Array {
  const out = new Float32Array(xy.length);
  const pointCount = xy.length >> 1;
  if (pointCount === 0) return out;
  const { minX, maxX, minY, maxY } = layoutBounds(xy, pointCount);
  const halfExtent = Math.max(maxX - minX, maxY - minY) / 2;
  const centreX = (minX + maxX) / 2;
  const centreY = (minY + maxY) / 2;
  const scale = halfExtent > 0 ? 1 / halfExtent : 0;
  for (let i = 0; i < pointCount; i++) {
    out[2 * i] = ((xy[2 * i] as number) - centreX) * scale;
    out[2 * i + 1] = ((xy[2 * i + 1] as number) - centreY) * scale;
  }
  return out;
}
