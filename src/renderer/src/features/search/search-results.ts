import type { SearchResult } from '../../../../shared/api/contract';

/** What the image grid shows after a search: the hits in score order, and what was searched for. */
export interface RankedResults extends SearchResult {
  /** e.g. `"red car"` or `Similar to #12`. */
  title: string;
}

/** Results are shown while the selection is exactly the hits (a lasso or a click elsewhere ends them). */
export function activeRanking(ranking: RankedResults | null, selection: Uint32Array): RankedResults | null {
  return ranking !== null && ranking.indices === selection ? ranking : null;
}

export function textResultsTitle(text: string): string {
  return `“${text.trim()}”`;
}

export function similarResultsTitle(indices: readonly number[]): string {
  return indices.length === 1 ? `Similar to #${indices[0]}` : `Similar to ${indices.length} images`;
}

/** The score of image `index` among the hits, or null when it is not one. */
export function scoreOf(ranking: RankedResults, index: number): number | null {
  const at = ranking.indices.indexOf(index);
  return at < 0 ? null : (ranking.scores[at] ?? null);
}

/** Splits "cat, dog ,, fish" into ['cat', 'dog', 'fish']; an empty field means "use the default" (undefined). */
export function parseWordList(text: string): string[] | undefined {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  return words.length > 0 ? words : undefined;
}
