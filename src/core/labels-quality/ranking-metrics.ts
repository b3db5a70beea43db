/** How well a per-image score ranks the images that really have a problem: for benchmarks and tests. */

/**
 * Average precision (area under the precision-recall curve, as scikit-learn's average_precision_score):
 * Σ over distinct score thresholds, highest first, of (recall gained) × (precision at that threshold). Images with
 * equal scores enter together. NaN scores rank last. NaN when there is no positive.
 */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const order = rankOrder(scores);
  let positives = 0;
  for (let i = 0; i < positive.length; i += 1) if (positive[i]) positives += 1;
  if (positives === 0) return Number.NaN;
  let ap = 0;
  let seen = 0;
  let hits = 0;
  let n = 0;
  while (n < order.length) {
    const value = keyOf(scores[order[n] as number] as number);
    let gained = 0;
    while (n < order.length && keyOf(scores[order[n] as number] as number) === value) {
      seen += 1;
      if (positive[order[n] as number]) gained += 1;
      n += 1;
    }
    hits += gained;
    ap += (gained / positives) * (hits / seen);
  }
  return ap;
}

/** Share of positives among the `top` highest-scored images (ties broken by index). */
export function precisionAt(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>, top: number): number {
  const order = rankOrder(scores);
  const n = Math.min(top, order.length);
  let hits = 0;
  for (let r = 0; r < n; r += 1) if (positive[order[r] as number]) hits += 1;
  return n === 0 ? Number.NaN : hits / n;
}

function keyOf(score: number): number {
  return Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score;
}

/** Indices by score, highest first; NaN last; ties by index so results are deterministic. */
function rankOrder(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => keyOf(scores[b] as number) - keyOf(scores[a] as number) || a - b);
  return order;
}
