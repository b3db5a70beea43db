import type { PointColumns } from '../../../../shared/model/dataset';
import type { ScoreColumn } from '../../../../shared/model/scores';
import { displayKind } from '../scores/score-columns';

type BaseSort = 'loss-desc' | 'confidence-asc' | 'confidence-desc' | 'index';
/** A base sort, or a number score column by name, worst first. */
export type SelectionSort = BaseSort | `score:${string}`;

const BASE_SORT_LABELS: Record<BaseSort, string> = {
  'loss-desc': 'Highest loss',
  'confidence-asc': 'Least confident',
  'confidence-desc': 'Most confident',
  index: 'File order',
};

type SortColumns = Pick<PointColumns, 'confidence' | 'loss'>;

function hasFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) return true;
  return false;
}

export function scoreSort(name: string): SelectionSort {
  return `score:${name}`;
}

function scoreNameOf(sort: SelectionSort): string | null {
  return sort.startsWith('score:') ? sort.slice('score:'.length) : null;
}

/** Score columns a sort makes sense for: continuous numbers with at least one value (not flags, indices, categories). */
function sortableScores(scores: readonly ScoreColumn[]): Array<ScoreColumn & { kind: 'number' }> {
  return scores.filter((c): c is ScoreColumn & { kind: 'number' } => c.kind === 'number' && displayKind(c) === 'number' && hasFinite(c.values));
}

/** The sorts the data supports: loss needs probabilities, confidence needs predictions, then every number score. */
export function availableSorts(columns: SortColumns, scores: readonly ScoreColumn[] = []): SelectionSort[] {
  const sorts: SelectionSort[] = [];
  if (hasFinite(columns.loss)) sorts.push('loss-desc');
  if (hasFinite(columns.confidence)) sorts.push('confidence-asc', 'confidence-desc');
  sorts.push('index');
  for (const column of sortableScores(scores)) sorts.push(scoreSort(column.name));
  return sorts;
}

export function sortLabel(sort: SelectionSort, scores: readonly ScoreColumn[] = []): string {
  const name = scoreNameOf(sort);
  if (name === null) return BASE_SORT_LABELS[sort as BaseSort];
  const column = scores.find((c) => c.name === name);
  return `Worst ${column?.label.toLowerCase() ?? name}`;
}

/** `indices` ordered by ascending key (value × direction), NaN last, ties in index order. */
function sortByValues(indices: Uint32Array, values: Float32Array, direction: 1 | -1): Uint32Array {
  const keys = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const v = values[indices[k]!];
    keys[k] = v !== undefined && Number.isFinite(v) ? v * direction : Infinity;
  }
  // Infinity - Infinity is NaN, which is falsy: missing values then fall through to index order.
  const positions = Uint32Array.from(indices.keys()).sort((a, b) => keys[a]! - keys[b]! || indices[a]! - indices[b]!);
  return positions.map((k) => indices[k]!);
}

/**
 * `selection` reordered by `sort`; images without the value (NaN) go last, ties keep index order. A score sort
 * puts the worst first (highest when `higherIsWorse`, else lowest); an unknown score falls back to file order.
 * Returns a new array; the selection itself stays ascending for the set operations.
 */
export function sortSelection(
  selection: Uint32Array,
  columns: SortColumns,
  sort: SelectionSort,
  scores: readonly ScoreColumn[] = [],
): Uint32Array {
  const indices = selection.slice();
  const name = scoreNameOf(sort);
  if (name !== null) {
    const column = scores.find((c) => c.name === name);
    if (column?.kind !== 'number') return indices.sort();
    return sortByValues(indices, column.values, column.higherIsWorse ? -1 : 1);
  }
  if (sort === 'index') return indices.sort();
  return sortByValues(indices, sort === 'loss-desc' ? columns.loss : columns.confidence, sort === 'confidence-asc' ? 1 : -1);
}
