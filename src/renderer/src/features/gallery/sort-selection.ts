import type { PointColumns } from '../../../../shared/model/dataset';

export type SelectionSort = 'loss-desc' | 'confidence-asc' | 'confidence-desc' | 'index';

export const SELECTION_SORT_LABELS: Record<SelectionSort, string> = {
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

/** The sorts the data supports: loss needs probabilities, confidence needs predictions. */
export function availableSorts(columns: SortColumns): SelectionSort[] {
  const sorts: SelectionSort[] = [];
  if (hasFinite(columns.loss)) sorts.push('loss-desc');
  if (hasFinite(columns.confidence)) sorts.push('confidence-asc', 'confidence-desc');
  sorts.push('index');
  return sorts;
}

/**
 * `selection` reordered by `sort`; images without the value (NaN) go last, ties keep index order.
 * Returns a new array; the selection itself stays ascending for the set operations.
 */
export function sortSelection(selection: Uint32Array, columns: SortColumns, sort: SelectionSort): Uint32Array {
  const indices = selection.slice();
  if (sort === 'index') return indices.sort();
  const values = sort === 'loss-desc' ? columns.loss : columns.confidence;
  const direction = sort === 'confidence-asc' ? 1 : -1;
  const keys = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const v = values[indices[k]!];
    keys[k] = v !== undefined && Number.isFinite(v) ? v * direction : Infinity;
  }
  // Infinity - Infinity is NaN, which is falsy: missing values then fall through to index order.
  const positions = Uint32Array.from(indices.keys()).sort((a, b) => keys[a]! - keys[b]! || indices[a]! - indices[b]!);
  return positions.map((k) => indices[k]!);
}
