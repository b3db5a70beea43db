import { layoutBounds } from '../layout-bounds.js';
/**
 * The Barnes-Hut quadtree of a 2-D layout, stored in flat typed arrays that are reused across iterations
 * (a 70,000-point tree is rebuilt a thousand times per run). Each node keeps its centre of mass, point count and
 * squared cell side; a node's children sit next to each other. Leaves hold one point, or several at the same
 * position (duplicates), or whatever is left at the depth limit.
 */

const MAX_DEPTH = 50;
const STACK_SIZE = 4 * MAX_DEPTH + 8;

/** What the force pass reads from a tree: plain typed arrays, so a compute-pool thread can take them as they are. */
export interface TreeArrays {
  comX: Float64Array;
  comY: Float64Array;
  count: Int32Array;
  widthSq: Float64Array;
  firstChild: Int32Array;
  childCount: Uint8Array;
  leafOf: Int32Array;
  pointOrder: Int32Array;
}

export class QuadTree {
  nodeCount = 0;
  comX: Float64Array = new Float64Array(0);
  comY: Float64Array = new Float64Array(0);
  count: Int32Array = new Int32Array(0);
  widthSq: Float64Array = new Float64Array(0);
  /** Index of the first child, -1 for a leaf. */
  firstChild: Int32Array = new Int32Array(0);
  childCount: Uint8Array = new Uint8Array(0);
  /** The leaf each point ended in: the force pass leaves a point's own contribution out through it. */
  leafOf: Int32Array = new Int32Array(0);
  private order: Int32Array = new Int32Array(0);
  private scratch: Int32Array = new Int32Array(0);
  private readonly buildStack: number[] = [];

  /** `shared`: keep every array on SharedArrayBuffers, for force passes on other threads. */
  constructor(private readonly shared = false) {}

  /** The arrays as they are now (they are replaced when the tree grows, so ask after each build). */
  arrays(): TreeArrays {
    const { comX, comY, count, widthSq, firstChild, childCount, leafOf } = this;
    return { comX, comY, count, widthSq, firstChild, childCount, leafOf, pointOrder: this.order };
  }

  /** Rebuilds the tree over interleaved x,y positions. */
  build(xy: Float64Array, pointCount: number): void {
    if (this.order.length !== pointCount) {
      this.order = new Int32Array(this.buffer(4 * pointCount));
      this.scratch = new Int32Array(pointCount);
      this.leafOf = new Int32Array(this.buffer(4 * pointCount));
    }
    this.ensureNodeCapacity(Math.max(16, 2 * pointCount));
    for (let i = 0; i < pointCount; i++) this.order[i] = i;
    const { minX, maxX, minY, maxY } = layoutBounds(xy, pointCount);
    this.nodeCount = 1;
    this.firstChild[0] = -1;
    this.count[0] = pointCount;
    if (pointCount === 0) return;
    const half = Math.max(maxX - minX, maxY - minY) / 2 || 1;
    const stack = this.buildStack;
    stack.length = 0;
    // node, start, end, centreX, centreY, half-side, depth
    stack.push(0, 0, pointCount, (minX + maxX) / 2, (minY + maxY) / 2, half * (1 + 1e-9), 0);
    while (stack.length > 0) {
      const depth = stack.pop() as number;
      const halfSide = stack.pop() as number;
      const centreY = stack.pop() as number;
      const centreX = stack.pop() as number;
      const end = stack.pop() as number;
      const start = stack.pop() as number;
      const node = stack.pop() as number;
      this.splitNode(xy, node, start, end, centreX, centreY, halfSide, depth, stack);
    }
  }

  /** Fills `node`'s summary; unless it is a leaf, partitions its points into quadrants and queues the children. */
  private splitNode(xy: Float64Array, node: number, start: number, end: number, centreX: number, centreY: number, halfSide: number, depth: number, stack: number[]): void {
    const order = this.order;
    const quadrantCount = [0, 0, 0, 0];
    const quadrantX = [0, 0, 0, 0];
    const quadrantY = [0, 0, 0, 0];
    let sumX = 0;
    let sumY = 0;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let e = start; e < end; e++) {
      const i = order[e] as number;
      const x = xy[2 * i] as number;
      const y = xy[2 * i + 1] as number;
      sumX += x;
      sumY += y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const q = (x >= centreX ? 1 : 0) | (y >= centreY ? 2 : 0);
      quadrantCount[q]!++;
      quadrantX[q]! += x;
      quadrantY[q]! += y;
    }
    const n = end - start;
    this.count[node] = n;
    this.comX[node] = sumX / n;
    this.comY[node] = sumY / n;
    this.widthSq[node] = 4 * halfSide * halfSide;
    const isLeaf = n === 1 || depth >= MAX_DEPTH || (minX === maxX && minY === maxY);
    if (isLeaf) {
      this.firstChild[node] = -1;
      this.childCount[node] = 0;
      for (let e = start; e < end; e++) this.leafOf[order[e] as number] = node;
      return;
    }
    // Counting sort of the range by quadrant.
    const quadrantStart = [start, 0, 0, 0];
    for (let q = 1; q < 4; q++) quadrantStart[q] = (quadrantStart[q - 1] as number) + (quadrantCount[q - 1] as number);
    const cursor = quadrantStart.slice();
    const scratch = this.scratch;
    for (let e = start; e < end; e++) {
      const i = order[e] as number;
      const q = ((xy[2 * i] as number) >= centreX ? 1 : 0) | ((xy[2 * i + 1] as number) >= centreY ? 2 : 0);
      scratch[cursor[q]!++] = i;
    }
    order.set(scratch.subarray(start, end), start);

    let children = 0;
    for (let q = 0; q < 4; q++) if ((quadrantCount[q] as number) > 0) children++;
    this.ensureNodeCapacity(this.nodeCount + children);
    const first = this.nodeCount;
    this.firstChild[node] = first;
    this.childCount[node] = children;
    this.nodeCount += children;
    const childHalf = halfSide / 2;
    let child = first;
    for (let q = 0; q < 4; q++) {
      const qCount = quadrantCount[q] as number;
      if (qCount === 0) continue;
      const qStart = quadrantStart[q] as number;
      const childX = centreX + ((q & 1) !== 0 ? childHalf : -childHalf);
      const childY = centreY + ((q & 2) !== 0 ? childHalf : -childHalf);
      if (qCount === 1) {
        // Single-point leaves are most nodes: fill them here instead of a round trip through the stack.
        const i = order[qStart] as number;
        this.count[child] = 1;
        this.comX[child] = quadrantX[q] as number;
        this.comY[child] = quadrantY[q] as number;
        this.widthSq[child] = 4 * childHalf * childHalf;
        this.firstChild[child] = -1;
        this.childCount[child] = 0;
        this.leafOf[i] = child;
      } else {
        stack.push(child, qStart, qStart + qCount, childX, childY, childHalf, depth + 1);
      }
      child++;
    }
  }

  private ensureNodeCapacity(needed: number): void {
    if (needed <= this.comX.length) return;
    const capacity = Math.max(needed, Math.ceil(this.comX.length * 1.5));
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(old: T, make: (buffer: ArrayBufferLike) => T): T => {
      const next = make(this.buffer(capacity * old.BYTES_PER_ELEMENT));
      next.set(old.subarray(0, this.nodeCount) as never);
      return next;
    };
    this.comX = grow(this.comX, (b) => new Float64Array(b));
    this.comY = grow(this.comY, (b) => new Float64Array(b));
    this.count = grow(this.count, (b) => new Int32Array(b));
    this.widthSq = grow(this.widthSq, (b) => new Float64Array(b));
    this.firstChild = grow(this.firstChild, (b) => new Int32Array(b));
    this.childCount = grow(this.childCount, (b) => new Uint8Array(b));
  }

  private buffer(bytes: number): ArrayBufferLike {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
}

/**
 * Barnes-Hut repulsion for the points at positions [from, to) of `tree.pointOrder`: adds to `force` (interleaved, unnormalised: Σ q²·(yᵢ - yⱼ)) and
 * returns this range's share of Z = Σᵢ Σⱼ≠ᵢ q, with q = 1 / (1 + |yᵢ - yⱼ|²). A cell whose side is below
 * theta times its distance counts as one body at its centre of mass (scikit-learn's criterion).
 */
export function repulsiveForces(tree: TreeArrays, xy: Float64Array, theta: number, from: number, to: number, force: Float64Array): number {
  const { comX, comY, count, widthSq, firstChild, childCount, leafOf, pointOrder } = tree;
  const thetaSq = theta * theta;
  const stack = new Int32Array(STACK_SIZE);
  let sumQ = 0;
  // Points in tree order: consecutive points walk nearly the same nodes, which keeps those nodes in cache.
  for (let e = from; e < to; e++) {
    const i = pointOrder[e] as number;
    const xi = xy[2 * i] as number;
    const yi = xy[2 * i + 1] as number;
    const ownLeaf = leafOf[i] as number;
    let fx = 0;
    let fy = 0;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top] as number;
      let dx = xi - (comX[node] as number);
      let dy = yi - (comY[node] as number);
      const first = firstChild[node] as number;
      if (first >= 0 && (widthSq[node] as number) >= thetaSq * (dx * dx + dy * dy)) {
        const last = first + (childCount[node] as number);
        for (let child = first; child < last; child++) stack[top++] = child;
        continue;
      }
      let cellCount = count[node] as number;
      if (node === ownLeaf) {
        // Leave the point itself out of its own leaf: the others' centre of mass, one body fewer.
        cellCount -= 1;
        if (cellCount === 0) continue;
        dx = xi - ((comX[node] as number) * (cellCount + 1) - xi) / cellCount;
        dy = yi - ((comY[node] as number) * (cellCount + 1) - yi) / cellCount;
      }
      const q = 1 / (1 + dx * dx + dy * dy);
      sumQ += cellCount * q;
      const m = cellCount * q * q;
      fx += m * dx;
      fy += m * dy;
    }
    force[2 * i]! += fx;
    force[2 * i + 1]! += fy;
  }
  return sumQ;
}
