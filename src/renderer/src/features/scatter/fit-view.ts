/** Data bounds and the orthographic view state that shows them. */

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface OrthoViewState {
  target: [number, number];
  zoom: number;
}

/** Bounds of the finite points of interleaved `xy`; null when there are none. */
export function dataBounds(xy: Float32Array): Bounds | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const x = xy[i]!;
    const y = xy[i + 1]!;
    // A point is drawn only when both coordinates are finite, so only those count.
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return minX <= maxX ? { minX, minY, maxX, maxY } : null;
}

/** Bounds of the images in `indices` that have a position; null when none has. */
export function subsetBounds(xy: Float32Array, indices: Uint32Array): Bounds | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return minX <= maxX ? { minX, minY, maxX, maxY } : null;
}

/** What one world unit spans when the data has no extent (one point, or all points equal). */
const DEGENERATE_EXTENT = 1;

/**
 * The view that fits `bounds` into a `widthPx` × `heightPx` canvas with `paddingPx` kept free on every side.
 * Zoom follows deck.gl's OrthographicView: one world unit is 2^zoom pixels.
 */
export function fitViewState(bounds: Bounds | null, widthPx: number, heightPx: number, paddingPx = 24): OrthoViewState {
  if (bounds === null) return { target: [0, 0], zoom: 0 };
  const target: [number, number] = [(bounds.minX + bounds.maxX) / 2, (bounds.minY + bounds.maxY) / 2];
  const usableWidthPx = Math.max(1, widthPx - 2 * paddingPx);
  const usableHeightPx = Math.max(1, heightPx - 2 * paddingPx);
  const extentX = bounds.maxX - bounds.minX || DEGENERATE_EXTENT;
  const extentY = bounds.maxY - bounds.minY || DEGENERATE_EXTENT;
  const pixelsPerUnit = Math.min(usableWidthPx / extentX, usableHeightPx / extentY);
  return { target, zoom: Math.log2(pixelsPerUnit) };
}
