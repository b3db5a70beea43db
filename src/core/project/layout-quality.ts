/**
 * Leave-one-out k-nearest-neighbour label accuracy in 2-D: the share of points whose k nearest other points
 * (Euclidean, in the layout) vote for their own label. The measure peers report for a map's quality
 * (../shared/bench/projection_quality.py computes the cross-validated variant). Brute force, O(n²): fine up to
 * tens of thousands of points. Ties in the vote go to the smallest label.
 */
export function knnLabelAccuracy(xy: Float32Array, labels: ArrayLike<number>, k: number): number {
  const pointCount = xy.length >> 1;
  if (labels.length !== pointCount) throw new RangeError(`${labels.length} labels for ${pointCount} points`);
  if (!Number.isInteger(k) || k < 1 || k >= pointCount) throw new RangeError(`k must be in [1, ${pointCount - 1}], got ${k}`);
  const nearestDist = new Float64Array(k);
  const nearestIndex = new Int32Array(k);
  const votes = new Map<number, number>();
  let correct = 0;
  for (let i = 0; i < pointCount; i++) {
    nearestDist.fill(Infinity);
    const xi = xy[2 * i] as number;
    const yi = xy[2 * i + 1] as number;
    for (let j = 0; j < pointCount; j++) {
      if (j === i) continue;
      const dx = (xy[2 * j] as number) - xi;
      const dy = (xy[2 * j + 1] as number) - yi;
      const dist = dx * dx + dy * dy;
      if (dist >= (nearestDist[k - 1] as number)) continue;
      // Insertion into the sorted top-k list.
      let slot = k - 1;
      while (slot > 0 && (nearestDist[slot - 1] as number) > dist) {
        nearestDist[slot] = nearestDist[slot - 1] as number;
        nearestIndex[slot] = nearestIndex[slot - 1] as number;
        slot--;
      }
      nearestDist[slot] = dist;
      nearestIndex[slot] = j;
    }
    votes.clear();
    for (let slot = 0; slot < k; slot++) {
      const label = labels[nearestIndex[slot] as number] as number;
      votes.set(label, (votes.get(label) ?? 0) + 1);
    }
    let bestLabel = Infinity;
    let bestVotes = -1;
    for (const [label, count] of votes) {
      if (count > bestVotes || (count === bestVotes && label < bestLabel)) {
        bestLabel = label;
        bestVotes = count;
      }
    }
    if (bestLabel === labels[i]) correct++;
  }
  return correct / pointCount;
}
