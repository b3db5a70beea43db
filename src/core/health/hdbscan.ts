/**
 * HDBSCAN (Campello, Moulavi & Sander 2013; the `hdbscan` / scikit-learn algorithm) on a precomputed kNN graph,
 * written on typed arrays because no maintained npm package handles 10^6 points (the JS ports found are
 * O(n²) in memory).
 *
 * 1. Core distance of a point: distance to its `minSamples`-th nearest neighbour (the point itself not counted).
 * 2. Mutual reachability between neighbours: max(core(a), core(b), d(a, b)).
 * 3. Minimum spanning tree under that weight (Kruskal, edges radix-sorted) over the kNN edges plus bridges. The
 *    exact algorithm uses the complete graph; with k ≥ minSamples the MST edges are almost always between near
 *    neighbours, except between islands, which the kNN graph leaves disconnected or ties together only through a
 *    straggler's long edges. So the graph's short edges (no longer than either end's k-th neighbour distance) form
 *    parts, and Borůvka rounds of `findBridges` (exact nearest part, e.g. bridge-2d.ts) join them. Without a finder,
 *    disconnected parts meet at infinite distance (they then separate at the top level).
 * 4. Single-linkage tree → condensed tree with `minClusterSize` → clusters chosen by excess of mass (stability),
 *    the root excluded (scikit-learn's allow_single_cluster=False). Points that leave the tree above every chosen
 *    cluster are noise (-1).
 *
 * Output labels are numbered by cluster size, largest first; deterministic for a given graph.
 */
import type { NeighborGraph } from './neighbors.js';
import { UnionFind } from './union-find.js';

export interface HdbscanOptions {
  /** Smallest group that counts as a cluster (>= 2). */
  minClusterSize: number;
  /** Neighbours for the core distance (1..graph k); larger = more conservative, more noise. */
  minSamples: number;
  /**
   * 'eom' (excess of mass, the HDBSCAN default): the most stable clusters, often a few large ones. 'leaf': the
   * leaves of the condensed tree, the finest clusters of at least minClusterSize (scikit-learn's
   * cluster_selection_method='leaf'). Default 'eom'.
   */
  selection?: 'eom' | 'leaf';
  /**
   * 'eom' only: a cluster with more points than this is never chosen, its sub-clusters are (the hdbscan library's
   * max_cluster_size). Default: no limit.
   */
  maxClusterSize?: number;
}

/**
 * For each part (component), the pair of points from it to another part with the smallest mutual reachability
 * max(core(a), core(b), d(a, b)), and that value (from -1 / Infinity when there is none). Parts are numbered
 * 0..componentCount-1 in `component`.
 */
export type BridgeFinder = (
  component: Int32Array,
  componentCount: number,
  core: Float64Array,
) => { from: Int32Array; to: Int32Array; distance: Float64Array };

export function hdbscanFromKnn(knn: NeighborGraph, options: HdbscanOptions, findBridges?: BridgeFinder): Int32Array {
  const { rows: n, k, indices, distances } = knn;
  const minClusterSize = Math.max(2, Math.floor(options.minClusterSize));
  const minSamples = Math.max(1, Math.min(Math.floor(options.minSamples), k));
  const labels = new Int32Array(n).fill(-1);
  if (n < minClusterSize || k === 0) return labels;

  const core = new Float64Array(n);
  for (let i = 0; i < n; i++) core[i] = distances[i * k + minSamples - 1] as number;

  // Mutual-reachability edges, one per (point, neighbour); a pair listed from both ends is simply skipped once joined.
  const edgeCount = n * k;
  const weight = new Float32Array(edgeCount);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const e = i * k + r;
      const j = indices[e] as number;
      weight[e] = Math.max(core[i] as number, core[j] as number, distances[e] as number);
    }
  }
  const bridges = findBridges === undefined ? emptyEdges() : bridgeEdges(n, knn, core, findBridges);
  const allEdges = edgeCount + bridges.from.length;
  const edgeWeight = new Float32Array(allEdges);
  edgeWeight.set(weight);
  edgeWeight.set(bridges.weight, edgeCount);
  const order = radixSortByWeight(edgeWeight);

  // Kruskal: each union creates tree node n + m, children = the two components' current nodes.
  const nodeCount = 2 * n - 1;
  const left = new Int32Array(nodeCount).fill(-1);
  const right = new Int32Array(nodeCount).fill(-1);
  const dist = new Float64Array(nodeCount);
  const size = new Int32Array(nodeCount);
  size.fill(1, 0, n);
  const sets = new UnionFind(n);
  const compNode = new Int32Array(n);
  for (let i = 0; i < n; i++) compNode[i] = i;
  let next = n;
  const join = (a: number, b: number, d: number): void => {
    const node = next++;
    left[node] = compNode[a] as number;
    right[node] = compNode[b] as number;
    dist[node] = d;
    size[node] = (size[compNode[a] as number] as number) + (size[compNode[b] as number] as number);
    sets.union(a, b);
    compNode[Math.min(a, b)] = node; // the joined set's root
  };
  for (let s = 0; s < allEdges && next < nodeCount; s++) {
    const e = order[s] as number;
    const a = sets.find(e < edgeCount ? (e / k) | 0 : (bridges.from[e - edgeCount] as number));
    const b = sets.find(e < edgeCount ? (indices[e] as number) : (bridges.to[e - edgeCount] as number));
    if (a !== b) join(a, b, edgeWeight[e] as number);
  }
  // Parts the kNN graph does not connect meet at infinite distance (lambda 0).
  let first = sets.find(0);
  for (let i = 1; i < n && next < nodeCount; i++) {
    const b = sets.find(i);
    if (b !== first) {
      join(first, b, Infinity);
      first = sets.find(0);
    }
  }

  // Lambda = 1 / distance; zero distances (stacked duplicates) get a large finite lambda, not Infinity.
  let minPositive = Infinity;
  for (let node = n; node < nodeCount; node++) if ((dist[node] as number) > 0 && (dist[node] as number) < minPositive) minPositive = dist[node] as number;
  const floor = Number.isFinite(minPositive) ? minPositive / 2 : 1;
  const lambdaOf = (node: number): number => {
    const d = dist[node] as number;
    return d === Infinity ? 0 : 1 / Math.max(d, floor);
  };

  // Condensed tree, top-down. Condensed cluster 0 is the root; children always get larger ids than parents.
  const clusterParent: number[] = [-1];
  const clusterBirth: number[] = [0];
  const clusterSize: number[] = [n];
  const stability: number[] = [0];
  const pointCluster = new Int32Array(n);
  const stackNode: number[] = [nodeCount - 1];
  const stackCluster: number[] = [0];
  const leafStack = new Int32Array(n);
  const fallOut = (node: number, cluster: number): void => {
    let top = 0;
    leafStack[top++] = node;
    while (top > 0) {
      const x = leafStack[--top] as number;
      if (x < n) pointCluster[x] = cluster;
      else {
        leafStack[top++] = left[x] as number;
        leafStack[top++] = right[x] as number;
      }
    }
  };
  while (stackNode.length > 0) {
    const node = stackNode.pop() as number;
    const cluster = stackCluster.pop() as number;
    if (node < n) {
      pointCluster[node] = cluster;
      continue;
    }
    const lambda = lambdaOf(node);
    const a = left[node] as number;
    const b = right[node] as number;
    const sizeA = size[a] as number;
    const sizeB = size[b] as number;
    const birth = clusterBirth[cluster] as number;
    if (sizeA >= minClusterSize && sizeB >= minClusterSize) {
      // A true split: both halves become clusters born at this lambda; the parent's points all leave here.
      stability[cluster] = (stability[cluster] as number) + (lambda - birth) * (sizeA + sizeB);
      for (const child of [a, b]) {
        clusterParent.push(cluster);
        clusterBirth.push(lambda);
        clusterSize.push(size[child] as number);
        stability.push(0);
        stackNode.push(child);
        stackCluster.push(clusterParent.length - 1);
      }
    } else {
      // Small halves are points falling out of the cluster, which carries on in the large half (if any).
      for (const [child, childSize] of [
        [a, sizeA],
        [b, sizeB],
      ] as const) {
        if (childSize >= minClusterSize) {
          stackNode.push(child);
          stackCluster.push(cluster);
        } else {
          stability[cluster] = (stability[cluster] as number) + (lambda - birth) * childSize;
          fallOut(child, cluster);
        }
      }
    }
  }

  // Excess of mass, bottom-up: keep a cluster when it is at least as stable as its selected descendants together.
  const clusterCount = clusterParent.length;
  const leaf = options.selection === 'leaf';
  const maxClusterSize = options.maxClusterSize ?? Infinity;
  const childStability = new Float64Array(clusterCount);
  const selected = new Uint8Array(clusterCount);
  const hasChildren = new Uint8Array(clusterCount);
  for (let c = 1; c < clusterCount; c++) hasChildren[clusterParent[c] as number] = 1;
  const subtree = new Float64Array(clusterCount);
  for (let c = clusterCount - 1; c >= 1; c--) {
    const own = stability[c] as number;
    const tooBig = (clusterSize[c] as number) > maxClusterSize;
    if (!hasChildren[c] || (!leaf && !tooBig && own >= (childStability[c] as number))) {
      selected[c] = 1;
      subtree[c] = own;
    } else {
      subtree[c] = childStability[c] as number;
    }
    const p = clusterParent[c] as number;
    childStability[p] = (childStability[p] as number) + (subtree[c] as number);
  }
  // A selected cluster absorbs its descendants: resolve top-down (parents have smaller ids).
  const owner = new Int32Array(clusterCount).fill(-1);
  for (let c = 1; c < clusterCount; c++) {
    const inherited = owner[clusterParent[c] as number] as number;
    owner[c] = inherited >= 0 ? inherited : selected[c] ? c : -1;
  }

  const memberCount = new Int32Array(clusterCount);
  for (let i = 0; i < n; i++) {
    const o = owner[pointCluster[i] as number] as number;
    if (o >= 0) memberCount[o] = (memberCount[o] as number) + 1;
  }
  const chosen: number[] = [];
  for (let c = 1; c < clusterCount; c++) if ((memberCount[c] as number) > 0 && owner[c] === c) chosen.push(c);
  chosen.sort((x, y) => (memberCount[y] as number) - (memberCount[x] as number) || x - y);
  const labelOf = new Int32Array(clusterCount).fill(-1);
  chosen.forEach((c, label) => {
    labelOf[c] = label;
  });
  for (let i = 0; i < n; i++) {
    const o = owner[pointCluster[i] as number] as number;
    labels[i] = o >= 0 ? (labelOf[o] as number) : -1;
  }
  return labels;
}

interface EdgeList {
  from: Int32Array;
  to: Int32Array;
  weight: Float32Array;
}

function emptyEdges(): EdgeList {
  return { from: new Int32Array(0), to: new Int32Array(0), weight: new Float32Array(0) };
}

/** Borůvka over the parts of the kNN graph: each round adds every part's closest bridge, until one part is left. */
function bridgeEdges(n: number, knn: NeighborGraph, core: Float64Array, findBridges: BridgeFinder): EdgeList {
  const sets = new UnionFind(n);
  // Start from the "short" kNN edges only: an edge longer than either end's k-th neighbour distance may have a
  // lighter alternative the graph does not hold (two islands tied together by a straggler's neighbour list), so the
  // parts it would join are bridged by exact search instead.
  const { k, indices, distances } = knn;
  for (let i = 0; i < n; i++) {
    const reachI = distances[i * k + k - 1] as number;
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r] as number;
      const w = Math.max(core[i] as number, core[j] as number, distances[i * k + r] as number);
      if (w <= reachI && w <= (distances[j * k + k - 1] as number)) sets.union(i, j);
    }
  }

  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  const component = new Int32Array(n);
  for (;;) {
    const idOf = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const root = sets.find(i);
      let id = idOf.get(root);
      if (id === undefined) {
        id = idOf.size;
        idOf.set(root, id);
      }
      component[i] = id;
    }
    if (idOf.size < 2) break;
    const found = findBridges(component, idOf.size, core);
    let joined = false;
    for (let c = 0; c < idOf.size; c++) {
      const a = found.from[c] as number;
      const b = found.to[c] as number;
      if (a < 0 || b < 0) continue;
      from.push(a);
      to.push(b);
      weight.push(Math.max(core[a] as number, core[b] as number, found.distance[c] as number));
      if (sets.union(a, b)) joined = true;
    }
    if (!joined) break;
  }
  return { from: Int32Array.from(from), to: Int32Array.from(to), weight: Float32Array.from(weight) };
}

/**
 * Indices 0..m-1 sorted by ascending weight (non-negative floats), stable: LSD radix sort on the float bits, three
 * 11-bit passes (a comparison sort of 15M edges takes seconds in JS).
 */
function radixSortByWeight(weight: Float32Array): Uint32Array {
  const m = weight.length;
  const BITS = 11;
  const BUCKETS = 1 << BITS;
  const MASK = BUCKETS - 1;
  // Keys travel with the ids, so every pass reads sequentially (with indirect key reads, 15M edges took 4.0 s instead of 0.8 s).
  let srcKey = new Uint32Array(m);
  srcKey.set(new Uint32Array(weight.buffer, weight.byteOffset, m));
  let dstKey = new Uint32Array(m);
  let src = new Uint32Array(m);
  let dst = new Uint32Array(m);
  for (let i = 0; i < m; i++) src[i] = i;
  // All three histograms in one pass.
  const counts = new Uint32Array(3 * BUCKETS);
  for (let i = 0; i < m; i++) {
    const key = srcKey[i] as number;
    counts[key & MASK] = (counts[key & MASK] as number) + 1;
    counts[BUCKETS + ((key >>> BITS) & MASK)] = (counts[BUCKETS + ((key >>> BITS) & MASK)] as number) + 1;
    counts[2 * BUCKETS + (key >>> (2 * BITS))] = (counts[2 * BUCKETS + (key >>> (2 * BITS))] as number) + 1;
  }
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * BUCKETS;
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[base + b] as number;
      counts[base + b] = sum;
      sum += c;
    }
    const shift = pass * BITS;
    for (let i = 0; i < m; i++) {
      const key = srcKey[i] as number;
      const slot = base + ((key >>> shift) & MASK);
      const at = counts[slot] as number;
      counts[slot] = at + 1;
      dst[at] = src[i] as number;
      dstKey[at] = key;
    }
    [src, dst] = [dst, src];
    [srcKey, dstKey] = [dstKey, srcKey];
  }
  return src;
}
