/** A closed polygon in world coordinates: vertices in order, the last joined back to the first. */
export type Polygon = ReadonlyArray<readonly [number, number]>;

/**
 * Indices (ascending) of the points of interleaved `xy` inside `polygon`, by the even-odd rule.
 * Points outside the polygon's bounding box are rejected with four comparisons, so a small lasso over
 * a million points costs little more than one pass over the array. NaN points are never inside.
 */
export function pointsInPolygon(xy: Float32Array, polygon: Polygon): Uint32Array {
  const vertexCount = polygon.length;
  if (vertexCount < 3) return new Uint32Array(0);
  const vx = new Float64Array(vertexCount);
  const vy = new Float64Array(vertexCount);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < vertexCount; v++) {
    const [x, y] = polygon[v]!;
    vx[v] = x;
    vy[v] = y;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const count = xy.length >> 1;
  // Inside points are collected in a scratch buffer that grows as needed, then trimmed.
  let hits = new Uint32Array(Math.min(count, 1024));
  let hitCount = 0;
  for (let i = 0; i < count; i++) {
    const px = xy[2 * i]!;
    const py = xy[2 * i + 1]!;
    // Comparisons with NaN are false, so this also rejects points without a layout.
    if (!(px >= minX && px <= maxX && py >= minY && py <= maxY)) continue;
    let inside = false;
    for (let a = 0, b = vertexCount - 1; a < vertexCount; b = a++) {
      const ay = vy[a]!;
      const by = vy[b]!;
      if (ay > py !== by > py) {
        const crossX = vx[a]! + ((py - ay) * (vx[b]! - vx[a]!)) / (by - ay);
        if (px < crossX) inside = !inside;
      }
    }
    if (!inside) continue;
    if (hitCount === hits.length) {
      const grown = new Uint32Array(Math.min(count, hits.length * 2));
      grown.set(hits);
      hits = grown;
    }
    hits[hitCount++] = i;
  }
  return hits.slice(0, hitCount);
}
