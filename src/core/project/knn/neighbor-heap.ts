/**
 * Bounded max-heaps of (index, distance) pairs, one per row, stored flat in typed arrays: row r owns slots
 * [r*k, (r+1)*k). The root (slot r*k) holds the row's current worst neighbour, so a candidate is rejected with one
 * comparison. Empty slots hold index -1 and distance +Infinity. No per-point objects: a million rows cost only
 * the arrays.
 */

export interface NeighborHeaps {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float32Array;
  /** 1 where the neighbour arrived since the flag was last cleared (NN-descent's "new" mark). */
  readonly isNew: Uint8Array;
}

export function createNeighborHeaps(rows: number, k: number, shared: boolean): NeighborHeaps {
  const slots = rows * k;
  const make = (bytesPerSlot: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(slots * bytesPerSlot) : new ArrayBuffer(slots * bytesPerSlot);
  const heaps = {
    k,
    indices: new Int32Array(make(4)),
    distances: new Float32Array(make(4)),
    isNew: new Uint8Array(make(1)),
  };
  heaps.indices.fill(-1);
  heaps.distances.fill(Infinity);
  return heaps;
}

/**
 * Offers `candidate` at `distance` to `row`'s heap. Returns true when it was kept (better than the current worst
 * and not already present).
 */
export function pushNeighbor(heaps: NeighborHeaps, row: number, candidate: number, distance: number, isNew: number): boolean {
  const { k, indices, distances } = heaps;
  const base = row * k;
  if (!(distance < (distances[base] as number))) return false;
  for (let slot = base; slot < base + k; slot++) if (indices[slot] === candidate) return false;
  siftDownFromRoot(heaps, base, candidate, distance, isNew);
  return true;
}

/** Replaces the root of the heap at `base` and restores the max-heap order. */
function siftDownFromRoot(heaps: NeighborHeaps, base: number, candidate: number, distance: number, isNew: number): void {
  const { k, indices, distances, isNew: flags } = heaps;
  let position = 0;
  for (;;) {
    const left = 2 * position + 1;
    if (left >= k) break;
    const right = left + 1;
    let larger = left;
    if (right < k && (distances[base + right] as number) > (distances[base + left] as number)) larger = right;
    if ((distances[base + larger] as number) <= distance) break;
    indices[base + position] = indices[base + larger] as number;
    distances[base + position] = distances[base + larger] as number;
    flags[base + position] = flags[base + larger] as number;
    position = larger;
  }
  indices[base + position] = candidate;
  distances[base + position] = distance;
  flags[base + position] = isNew;
}

/** The distance a candidate must beat to enter `row`'s heap. */
export function worstDistance(heaps: NeighborHeaps, row: number): number {
  return heaps.distances[row * heaps.k] as number;
}

/** Sorts each row in [startRow, endRow) by ascending distance (ties by index, so output is deterministic). */
export function sortRows(heaps: NeighborHeaps, startRow: number, endRow: number): void {
  const { k, indices, distances } = heaps;
  const order = new Int32Array(k);
  const indexCopy = new Int32Array(k);
  const distanceCopy = new Float32Array(k);
  for (let row = startRow; row < endRow; row++) {
    const base = row * k;
    for (let slot = 0; slot < k; slot++) {
      order[slot] = slot;
      indexCopy[slot] = indices[base + slot] as number;
      distanceCopy[slot] = distances[base + slot] as number;
    }
    // Insertion sort: k is small (tens).
    for (let i = 1; i < k; i++) {
      const current = order[i] as number;
      const currentDistance = distanceCopy[current] as number;
      const currentIndex = indexCopy[current] as number;
      let j = i - 1;
      while (j >= 0) {
        const other = order[j] as number;
        const otherDistance = distanceCopy[other] as number;
        if (otherDistance < currentDistance || (otherDistance === currentDistance && (indexCopy[other] as number) <= currentIndex)) break;
        order[j + 1] = other;
        j--;
      }
      order[j + 1] = current;
    }
    for (let slot = 0; slot < k; slot++) {
      const from = order[slot] as number;
      indices[base + slot] = indexCopy[from] as number;
      distances[base + slot] = distanceCopy[from] as number;
    }
  }
}
