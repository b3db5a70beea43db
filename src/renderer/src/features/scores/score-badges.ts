import type { ScoreColumn } from '../../../../shared/model/scores';
import { isFlagged } from './score-coloring';
import { displayKind, findCategoryScore, findNumberScore, scoreGroup } from './score-columns';

export interface ScoreBadge {
  key: string;
  label: string;
  tone: 'danger' | 'warn' | 'info';
  /** Index columns (`duplicate_of`): the image this one points at. */
  linkTo?: number;
  description: string;
}

export interface ImageScoreNotes {
  /** Mislabel score and the label the engine suggests instead, when it differs from the given one. */
  mislabel: { score: number; suggested: string | null } | null;
  badges: ScoreBadge[];
}

/**
 * What the scores say about one image, for the hover card and grid cells: the mislabel score, and a badge per
 * flag it raises (outlier, duplicate, quality flags, leak...). Generic: any flag or index column the engine adds
 * becomes a badge named by its label.
 */
export function imageScoreNotes(scores: readonly ScoreColumn[], index: number, label: string | null): ImageScoreNotes {
  let mislabel: ImageScoreNotes['mislabel'] = null;
  const mislabelColumn = findNumberScore(scores, 'mislabel_score');
  const score = mislabelColumn?.values[index];
  if (score !== undefined && Number.isFinite(score)) {
    const suggestedColumn = findCategoryScore(scores, 'suggested_label');
    const code = suggestedColumn?.codes[index];
    const suggested = code !== undefined && code >= 0 ? (suggestedColumn?.categories[code] ?? null) : null;
    mislabel = { score, suggested: suggested !== null && suggested !== label ? suggested : null };
  }
  const badges: ScoreBadge[] = [];
  const common = commonFlags(scores);
  for (const column of scores) {
    if (column.kind !== 'number' || common.has(column.name)) continue;
    const kind = displayKind(column);
    if (kind === 'index') {
      const other = column.values[index];
      if (other !== undefined && other >= 0 && Number.isInteger(other) && other !== index) {
        badges.push({ key: column.name, label: column.label, tone: 'info', linkTo: other, description: column.description });
      }
    } else if (kind === 'flag' && column.higherIsWorse && isFlagged(column, index)) {
      const tone = scoreGroup(column.name) === 'Label quality' ? 'danger' : 'warn';
      badges.push({ key: column.name, label: column.label, tone, description: column.description });
    }
  }
  return { mislabel, badges };
}

/** A flag raised on at least this share of the images says something about the dataset, not about one image. */
export const COMMON_FLAG_SHARE = 0.5;
const commonFlagsCache = new WeakMap<readonly ScoreColumn[], Set<string>>();

/**
 * Flags raised on most images (every image of Fashion-MNIST is grayscale): as a badge on each image they would only
 * bury the rare ones, so they are left out. Computed once per scores list.
 */
export function commonFlags(scores: readonly ScoreColumn[]): Set<string> {
  let common = commonFlagsCache.get(scores);
  if (common) return common;
  common = new Set();
  for (const column of scores) {
    if (column.kind !== 'number' || displayKind(column) !== 'flag') continue;
    let flagged = 0;
    let known = 0;
    for (const v of column.values) {
      if (Number.isNaN(v)) continue;
      known += 1;
      if (v === 1) flagged += 1;
    }
    if (known > 0 && flagged / known >= COMMON_FLAG_SHARE) common.add(column.name);
  }
  commonFlagsCache.set(scores, common);
  return common;
}
