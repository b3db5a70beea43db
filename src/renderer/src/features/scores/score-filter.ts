import type { NumberColumn } from '../../../../shared/model/scores';
import { isFlagged } from './score-coloring';
import { displayKind } from './score-columns';
import { quantileOfSorted, sortedSample } from './score-range';

/** Which images of the active number column a filter keeps. */
export type ScoreFilter =
  /** At least this bad: ≥ threshold when higher is worse, else ≤ threshold. */
  | { kind: 'threshold'; threshold: number }
  /** Flag (= 1) or index (≥ 0) columns: only flagged images. */
  | { kind: 'flagged' };

export interface FilterResult {
  /** 1 where the image matches, in image order. */
  mask: Uint8Array;
  count: number;
}

/** Share of the worst images a fresh threshold starts at. */
const DEFAULT_WORST_SHARE = 0.1;

export function defaultFilter(column: NumberColumn): ScoreFilter {
  if (displayKind(column) !== 'number') return { kind: 'flagged' };
  const sorted = sortedSample(column.values);
  const q = column.higherIsWorse ? 1 - DEFAULT_WORST_SHARE : DEFAULT_WORST_SHARE;
  return { kind: 'threshold', threshold: sorted.length > 0 ? quantileOfSorted(sorted, q) : 0 };
}

export function matchesThreshold(value: number, threshold: number, higherIsWorse: boolean): boolean {
  // NaN (not applicable) fails both comparisons, so it never matches.
  return higherIsWorse ? value >= threshold : value <= threshold;
}

/** The mask of images `filter` keeps, in one pass. */
export function filterMask(column: NumberColumn, filter: ScoreFilter): FilterResult {
  const { values, higherIsWorse } = column;
  const mask = new Uint8Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const keep = filter.kind === 'flagged' ? isFlagged(column, i) : matchesThreshold(values[i]!, filter.threshold, higherIsWorse);
    if (keep) {
      mask[i] = 1;
      count++;
    }
  }
  return { mask, count };
}

/** The ascending image indices set in `mask`: what "Select matching" makes the selection. */
export function maskIndices(mask: Uint8Array, count?: number): Uint32Array {
  let n = count;
  if (n === undefined) {
    n = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  }
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < mask.length && k < n; i++) if (mask[i]) out[k++] = i;
  return out;
}
