/** The bounding box of interleaved x,y points. */
export interface LayoutBounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** The box around the first `pointCount` points of `xy` (all of them by default); infinite bounds when there are none. */
export function layoutBounds(xy: ArrayLike<number>, pointCount = xy.length >> 1): LayoutBounds {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < pointCount; i++) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, maxX, minY, maxY };
}
