/**
 * Leaky splits (FiftyOne's definition): an image with an exact or near duplicate in another split. Exact- and
 * near-duplicate links are merged into groups (union-find), so a group spanning train and test flags every member
 * whose split differs from some other member's, whichever image the greedy grouping made the keeper.
 */
import type { NumberColumn } from '../../shared/model/scores.js';
import { flagColumn, indexColumn } from './columns.js';
import { UnionFind } from './union-find.js';

export interface LeakResult {
  /** 1 when a duplicate sits in another split, 0 when not, NaN when this image's split is unknown. */
  leak: Float32Array;
  /** The lowest-index duplicate in another split, or -1. */
  leakPartner: Int32Array;
}

/**
 * @param links partner arrays (e.g. `duplicate_of`, `near_duplicate_of`): -1 for none, else an image index.
 * @param split split code per image, -1 when unknown.
 */
export function leakySplits(links: readonly Int32Array[], split: Int32Array): LeakResult {
  const n = split.length;
  const sets = new UnionFind(n);
  for (const link of links) {
    if (link.length !== n) throw new RangeError(`a link array has ${link.length} entries, expected ${n}`);
    for (let i = 0; i < n; i++) {
      const j = link[i] as number;
      if (j < 0) continue;
      sets.union(i, j);
    }
  }

  // Members of each multi-image group, in index order.
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    const list = members.get(root);
    if (list === undefined) members.set(root, [i]);
    else list.push(i);
  }

  const leak = new Float32Array(n);
  const leakPartner = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if ((split[i] as number) < 0) leak[i] = NaN;
  for (const group of members.values()) {
    if (group.length < 2) continue;
    // First member of each split: O(group size × splits) even for a group of thousands of blank images.
    const firstOfSplit = new Map<number, number>();
    for (const i of group) {
      const si = split[i] as number;
      if (si >= 0 && !firstOfSplit.has(si)) firstOfSplit.set(si, i);
    }
    if (firstOfSplit.size < 2) continue;
    for (const i of group) {
      const si = split[i] as number;
      if (si < 0) continue;
      let partner = -1;
      for (const [s, first] of firstOfSplit) if (s !== si && (partner < 0 || first < partner)) partner = first;
      leak[i] = 1;
      leakPartner[i] = partner;
    }
  }
  return { leak, leakPartner };
}

/** `leak` and `leak_partner`, as points.csv writes them. */
export function leakColumns(result: LeakResult): NumberColumn[] {
  return [
    flagColumn('leak', 'Split leak', '1 when an exact or near duplicate of this image sits in another split (train/val/test); blank when the split is unknown.', result.leak),
    indexColumn('leak_partner', 'Leak partner', 'Index of the first duplicate of this image that sits in another split; blank when none.', result.leakPartner),
  ];
}
