/**
 * Bridges between the parts of a 2-D kNN graph that are not connected: for each part, the closest pair of points
 * (euclidean) from it to any other part, found with a 2-D k-d tree whose nodes know when all their points lie in
 * one part (such nodes are skipped for that part's queries). HDBSCAN uses these as the extra spanning-tree edges
 * (one Borůvka round per call), so well-separated islands join at their real gap rather than all at once.
 */
import type { BridgeFinder } from './hdbscan.js';

const LEAF_SIZE = 8;

interface KdTree {
  /** Point ids, each node owning perm[start..end). */
  perm: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** Child node ids (-1 for a leaf). */
  lo: Int32Array;
  hi: Int32Array;
  minX: Float64Array;
  maxX: Float64Array;
  minY: Float64Array;
  maxY: Float64Array;
  count: number;
}

export function makeBridgeFinder2d(xy: Float32Array): BridgeFinder {
  const tree = buildKdTree(xy);
  const nodeComponent = new Int32Array(tree.count);
  const nodeMinCore = new Float64Array(tree.count);
  return (component, componentCount, core) => {
    labelNodes(tree, component, core, nodeComponent, nodeMinCore);
    // Best mutual reachability found so far per part: every query of that part prunes against it.
    const best = new Float64Array(componentCount).fill(Infinity);
    const from = new Int32Array(componentCount).fill(-1);
    const to = new Int32Array(componentCount).fill(-1);
    const stack = new Int32Array(256);
    const n = xy.length >> 1;
    for (let p = 0; p < n; p++) {
      const cp = component[p] as number;
      const coreP = core[p] as number;
      if (coreP >= (best[cp] as number)) continue;
      const px = xy[2 * p] as number;
      const py = xy[2 * p + 1] as number;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top] as number;
        if (nodeComponent[node] === cp) continue;
        if (Math.max(coreP, nodeMinCore[node] as number, boxDist(tree, node, px, py)) >= (best[cp] as number)) continue;
        if (tree.lo[node] === -1) {
          for (let s = tree.start[node] as number; s < (tree.end[node] as number); s++) {
            const q = tree.perm[s] as number;
            if (component[q] === cp) continue;
            const dx = (xy[2 * q] as number) - px;
            const dy = (xy[2 * q + 1] as number) - py;
            const w = Math.max(coreP, core[q] as number, Math.sqrt(dx * dx + dy * dy));
            if (w < (best[cp] as number)) {
              best[cp] = w;
              from[cp] = p;
              to[cp] = q;
            }
          }
        } else {
          // Visit the nearer child first: push it last.
          const a = tree.lo[node] as number;
          const b = tree.hi[node] as number;
          if (boxDist(tree, a, px, py) < boxDist(tree, b, px, py)) {
            stack[top++] = b;
            stack[top++] = a;
          } else {
            stack[top++] = a;
            stack[top++] = b;
          }
        }
      }
    }
    return { from, to, distance: best };
  };
}

function boxDist(tree: KdTree, node: number, px: number, py: number): number {
  const dx = Math.max((tree.minX[node] as number) - px, 0, px - (tree.maxX[node] as number));
  const dy = Math.max((tree.minY[node] as number) - py, 0, py - (tree.maxY[node] as number));
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * nodeComponent[node] = the part all its points lie in, or -1 when mixed; nodeMinCore[node] = the smallest core
 * distance inside. Children have larger ids than parents, so one backward pass fills both.
 */
function labelNodes(tree: KdTree, component: Int32Array, core: Float64Array, nodeComponent: Int32Array, nodeMinCore: Float64Array): void {
  for (let node = tree.count - 1; node >= 0; node--) {
    if (tree.lo[node] === -1) {
      const first = component[tree.perm[tree.start[node] as number] as number] as number;
      let same = first;
      let minCore = Infinity;
      for (let s = tree.start[node] as number; s < (tree.end[node] as number); s++) {
        const p = tree.perm[s] as number;
        if (component[p] !== first) same = -1;
        if ((core[p] as number) < minCore) minCore = core[p] as number;
      }
      nodeComponent[node] = same;
      nodeMinCore[node] = minCore;
    } else {
      const a = tree.lo[node] as number;
      const b = tree.hi[node] as number;
      nodeComponent[node] = nodeComponent[a] === nodeComponent[b] ? (nodeComponent[a] as number) : -1;
      nodeMinCore[node] = Math.min(nodeMinCore[a] as number, nodeMinCore[b] as number);
    }
  }
}

/** Median splits on the wider side of each box, leaves of at most LEAF_SIZE points; depth stays ~log2(n / 8). */
function buildKdTree(xy: Float32Array): KdTree {
  const n = xy.length >> 1;
  // Median splits leave at least LEAF_SIZE / 2 points per leaf, so n + 1 nodes is more than enough.
  const capacity = n + 1;
  const tree: KdTree = {
    perm: Int32Array.from({ length: n }, (_, i) => i),
    start: new Int32Array(capacity),
    end: new Int32Array(capacity),
    lo: new Int32Array(capacity).fill(-1),
    hi: new Int32Array(capacity).fill(-1),
    minX: new Float64Array(capacity),
    maxX: new Float64Array(capacity),
    minY: new Float64Array(capacity),
    maxY: new Float64Array(capacity),
    count: 0,
  };
  const pending: number[] = [];
  const addNode = (start: number, end: number): number => {
    const node = tree.count++;
    tree.start[node] = start;
    tree.end[node] = end;
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let s = start; s < end; s++) {
      const p = tree.perm[s] as number;
      const x = xy[2 * p] as number;
      const y = xy[2 * p + 1] as number;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    tree.minX[node] = minX;
    tree.maxX[node] = maxX;
    tree.minY[node] = minY;
    tree.maxY[node] = maxY;
    pending.push(node);
    return node;
  };
  addNode(0, n);
  while (pending.length > 0) {
    const node = pending.pop() as number;
    const start = tree.start[node] as number;
    const end = tree.end[node] as number;
    if (end - start <= LEAF_SIZE) continue;
    const axis = (tree.maxX[node] as number) - (tree.minX[node] as number) >= (tree.maxY[node] as number) - (tree.minY[node] as number) ? 0 : 1;
    const mid = (start + end) >> 1;
    selectByCoordinate(tree.perm, xy, axis, start, end - 1, mid);
    tree.lo[node] = addNode(start, mid);
    tree.hi[node] = addNode(mid, end);
  }
  return tree;
}

/** Quickselect perm[left..right] so perm[k] has the k-th smallest coordinate on `axis`. */
function selectByCoordinate(perm: Int32Array, xy: Float32Array, axis: number, left: number, right: number, k: number): void {
  const key = (s: number): number => xy[2 * (perm[s] as number) + axis] as number;
  while (left < right) {
    const pivot = key((left + right) >> 1);
    let i = left;
    let j = right;
    while (i <= j) {
      while (key(i) < pivot) i++;
      while (key(j) > pivot) j--;
      if (i <= j) {
        const t = perm[i] as number;
        perm[i] = perm[j] as number;
        perm[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
}
