/**
 * Exact k-nearest neighbours of 2-D points with a uniform grid: points are bucketed into cells holding about two
 * points each, and each query scans rings of cells outward until the k-th distance found is within the ring's
 * guaranteed reach. O(n·k) on typical layouts, with no dependency; 2-D only (the layout), which is what lets a
 * grid beat a tree here.
 */
import type { NeighborGraph } from './neighbors.js';
import { layoutBounds } from '../project/layout-bounds.js';

const POINTS_PER_CELL = 2;
const MAX_CELLS_PER_SIDE = 4096;

/** Euclidean kNN of interleaved x,y points, nearest first, self excluded; k is capped at n − 1. */
export function gridKnn2d(xy: Float32Array, k: number): NeighborGraph {
  const n = xy.length >> 1;
  if (xy.length !== n * 2) throw new RangeError(`xy has odd length ${xy.length}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const kk = Math.max(0, Math.min(k, n - 1));
  for (let i = 0; i < xy.length; i++) {
    if (!Number.isFinite(xy[i] as number)) throw new RangeError(`point ${i >> 1} has a non-finite coordinate`);
  }
  const { minX, maxX, minY, maxY } = layoutBounds(xy, n);
  const indices = new Int32Array(n * kk);
  const distances = new Float32Array(n * kk);
  if (kk === 0) return { rows: n, k: kk, indices, distances };

  const width = Math.max(maxX - minX, 0);
  const height = Math.max(maxY - minY, 0);
  const extent = Math.max(width, height);
  // Cell side for ~POINTS_PER_CELL points per cell over the bounding box (a degenerate box uses its long side).
  let cell = width > 0 && height > 0 ? Math.sqrt((width * height * POINTS_PER_CELL) / n) : extent > 0 ? (extent * POINTS_PER_CELL) / n : 1;
  cell = Math.max(cell, extent / MAX_CELLS_PER_SIDE, Number.MIN_VALUE);
  const gw = Math.min(MAX_CELLS_PER_SIDE, Math.floor(width / cell) + 1);
  const gh = Math.min(MAX_CELLS_PER_SIDE, Math.floor(height / cell) + 1);

  const cellOf = new Int32Array(n);
  const cellStart = new Int32Array(gw * gh + 1);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(gw - 1, Math.floor(((xy[2 * i] as number) - minX) / cell));
    const cy = Math.min(gh - 1, Math.floor(((xy[2 * i + 1] as number) - minY) / cell));
    const c = cy * gw + cx;
    cellOf[i] = c;
    cellStart[c + 1] = (cellStart[c + 1] as number) + 1;
  }
  for (let c = 0; c < gw * gh; c++) cellStart[c + 1] = (cellStart[c + 1] as number) + (cellStart[c] as number);
  const fill = cellStart.slice(0, gw * gh);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = cellOf[i] as number;
    order[fill[c] as number] = i;
    fill[c] = (fill[c] as number) + 1;
  }

  const bestD = new Float64Array(kk);
  const bestI = new Int32Array(kk);
  // The query's state lives out here so `visit` is one function for all queries, not a closure per point.
  let i = 0;
  let px = 0;
  let py = 0;
  let count = 0;
  const visit = (c: number): void => {
    const end = cellStart[c + 1] as number;
    for (let s = cellStart[c] as number; s < end; s++) {
      const j = order[s] as number;
      if (j === i) continue;
      const dx = (xy[2 * j] as number) - px;
      const dy = (xy[2 * j + 1] as number) - py;
      const d = dx * dx + dy * dy;
      if (count < kk) insertSorted(bestD, bestI, count++, d, j);
      else if (d < (bestD[kk - 1] as number)) insertSorted(bestD, bestI, kk - 1, d, j);
    }
  };
  for (i = 0; i < n; i++) {
    px = xy[2 * i] as number;
    py = xy[2 * i + 1] as number;
    const cx = (cellOf[i] as number) % gw;
    const cy = Math.floor((cellOf[i] as number) / gw);
    count = 0;
    const maxRing = Math.max(gw, gh);
    for (let r = 0; r <= maxRing; r++) {
      const y0 = cy - r;
      const y1 = cy + r;
      const x0 = cx - r;
      const x1 = cx + r;
      for (let x = Math.max(0, x0); x <= Math.min(gw - 1, x1); x++) {
        if (y0 >= 0) visit(y0 * gw + x);
        if (r > 0 && y1 < gh) visit(y1 * gw + x);
      }
      for (let y = Math.max(0, y0 + 1); y <= Math.min(gh - 1, y1 - 1); y++) {
        if (x0 >= 0) visit(y * gw + x0);
        if (r > 0 && x1 < gw) visit(y * gw + x1);
      }
      // Every point outside rings 0..r is at least r cells away from this point's cell.
      const reach = r * cell;
      if (count === kk && (bestD[kk - 1] as number) <= reach * reach) break;
    }
    for (let r = 0; r < kk; r++) {
      indices[i * kk + r] = bestI[r] as number;
      distances[i * kk + r] = Math.sqrt(bestD[r] as number);
    }
  }
  return { rows: n, k: kk, indices, distances };
}

function insertSorted(bestD: Float64Array, bestI: Int32Array, count: number, d: number, j: number): void {
  let pos = count;
  while (pos > 0 && (bestD[pos - 1] as number) > d) {
    bestD[pos] = bestD[pos - 1] as number;
    bestI[pos] = bestI[pos - 1] as number;
    pos--;
  }
  bestD[pos] = d;
  bestI[pos] = j;
}
