import type { CategoryColumn, NumberColumn, ScoreColumn } from '../../../../shared/model/scores';

/**
 * How a column behaves in the UI:
 * - 'number': a continuous score (gradient, threshold, sort);
 * - 'flag': a 0/1 number column (two colours, "only flagged");
 * - 'index': a number column holding another image's index or -1 (`duplicate_of`): flagged where ≥ 0, shown as a link;
 * - 'category': codes into a list of names (clusters, suggested labels).
 */
export type ScoreDisplayKind = 'number' | 'flag' | 'index' | 'category';

/** Column names ending like this hold image indices, not magnitudes. */
const INDEX_SUFFIX = '_of';

export function isIndexColumn(column: ScoreColumn): boolean {
  return column.kind === 'number' && column.name.endsWith(INDEX_SUFFIX);
}

/** A number column whose finite values are all 0 or 1 (and that has at least one). */
export function isFlagValues(values: Float32Array): boolean {
  let seen = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (v !== 0 && v !== 1) return false;
    seen = true;
  }
  return seen;
}

export function displayKind(column: ScoreColumn): ScoreDisplayKind {
  if (column.kind === 'category') return 'category';
  if (isIndexColumn(column)) return 'index';
  return isFlagValues(column.values) ? 'flag' : 'number';
}

export const SCORE_GROUPS = ['Model', 'Label quality', 'Health', 'Quality', 'Detection', 'Other'] as const;
export type ScoreGroup = (typeof SCORE_GROUPS)[number];

const GROUP_OF_NAME: Record<string, ScoreGroup> = {
  confidence: 'Model',
  margin: 'Model',
  loss: 'Model',
  entropy: 'Model',
  mistakenness: 'Label quality',
  mislabel_score: 'Label quality',
  suggested_label: 'Label quality',
  label_issue: 'Label quality',
  knn_agreement: 'Label quality',
  self_confidence: 'Label quality',
  zero_shot_label: 'Label quality',
  zero_shot_confidence: 'Label quality',
  zero_shot_agrees: 'Label quality',
  cluster: 'Health',
  outlier_score: 'Health',
  is_outlier: 'Health',
  uniqueness: 'Health',
  duplicate_of: 'Health',
  near_duplicate_of: 'Health',
  nn_distance: 'Health',
  leak: 'Health',
  rare_class: 'Health',
  dark: 'Quality',
  light: 'Quality',
  blurry: 'Quality',
  low_information: 'Quality',
  odd_size: 'Quality',
  odd_aspect_ratio: 'Quality',
  grayscale: 'Quality',
  possibly_missing: 'Detection',
  possibly_spurious: 'Detection',
};

/** The dropdown group of a column; names the UI does not know yet land in 'Other' and still work. */
export function scoreGroup(name: string): ScoreGroup {
  return GROUP_OF_NAME[name] ?? (name.startsWith('det_') ? 'Detection' : 'Other');
}

/** Columns grouped for the dropdown, groups in SCORE_GROUPS order, columns in the engine's order; empty groups left out. */
export function groupScores(columns: readonly ScoreColumn[]): Array<{ group: ScoreGroup; columns: ScoreColumn[] }> {
  return SCORE_GROUPS.map((group) => ({ group, columns: columns.filter((c) => scoreGroup(c.name) === group) })).filter(
    (g) => g.columns.length > 0,
  );
}

/** Columns of the wrong length (an engine bug, or a stale answer for another layout) are dropped, not drawn. */
export function usableScores(columns: readonly ScoreColumn[], pointCount: number): ScoreColumn[] {
  return columns.filter((c) => (c.kind === 'number' ? c.values.length : c.codes.length) === pointCount);
}

export function findScore(columns: readonly ScoreColumn[], name: string): ScoreColumn | null {
  return columns.find((c) => c.name === name) ?? null;
}

export function findNumberScore(columns: readonly ScoreColumn[], name: string): NumberColumn | null {
  const column = findScore(columns, name);
  return column?.kind === 'number' ? column : null;
}

export function findCategoryScore(columns: readonly ScoreColumn[], name: string): CategoryColumn | null {
  const column = findScore(columns, name);
  return column?.kind === 'category' ? column : null;
}
