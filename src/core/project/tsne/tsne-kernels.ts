/**
 * The per-iteration force pass as a compute-pool kernel: one call covers a range of points (attraction by point
 * index, Barnes-Hut repulsion by position in the tree's spatial order) and returns that range's share of Z.
 * Ranges write disjoint slots of the force arrays, so threads never race and the sum is the same for a given
 * split; the caller adds the Z shares in task order, so a run is deterministic for a given thread count.
 */
import type { KernelRegistry } from '../knn/compute-pool.js';
import type { SparseAffinities } from './affinities.js';
import { attractiveForces } from './gradient.js';
import { repulsiveForces, type TreeArrays } from './quadtree.js';

export const TSNE_FORCES_KERNEL = 'tsne-forces';

export interface TsneForcesArgs {
  /** Set by the pool probe: answer without work, to learn whether a thread knows this kernel. */
  probe?: boolean;
  xy: Float64Array;
  tree: TreeArrays;
  affinities: SparseAffinities;
  theta: number;
  exaggeration: number;
  from: number;
  to: number;
  attraction: Float64Array;
  repulsion: Float64Array;
}

export function tsneForces(args: TsneForcesArgs): number {
  if (args.probe) return 0;
  const { xy, tree, affinities, theta, exaggeration, from, to, attraction, repulsion } = args;
  attraction.fill(0, 2 * from, 2 * to);
  attractiveForces(affinities, xy, exaggeration, from, to, attraction);
  // Repulsion slots are indexed by point, not by tree position; clear the ones this range will add to.
  const order = tree.pointOrder;
  for (let e = from; e < to; e++) {
    const i = order[e] as number;
    repulsion[2 * i] = 0;
    repulsion[2 * i + 1] = 0;
  }
  return repulsiveForces(tree, xy, theta, from, to, repulsion);
}

export const tsneKernels: KernelRegistry = {
  [TSNE_FORCES_KERNEL]: (args) => tsneForces(args as unknown as TsneForcesArgs),
};
