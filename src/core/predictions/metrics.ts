/** Probabilities are clipped to this floor before taking logs, so a confident miss costs ~16.1 instead of Infinity. */
export const PROBABILITY_FLOOR = 1e-7;

/** Cross-entropy of the true class: -ln(p), with p clipped to [PROBABILITY_FLOOR, 1]. */
export function crossEntropy(probabilityOfTrueClass: number): number {
  return -Math.log(Math.min(1, Math.max(PROBABILITY_FLOOR, probabilityOfTrueClass)));
}

/** Share of `true` among the known outcomes (nulls are left out); null when nothing is known. */
export function accuracy(outcomes: Iterable<boolean | null>): number | null {
  let known = 0;
  let right = 0;
  for (const outcome of outcomes) {
    if (outcome === null) continue;
    known += 1;
    if (outcome) right += 1;
  }
  return known === 0 ? null : right / known;
}
