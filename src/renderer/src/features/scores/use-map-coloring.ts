import { useMemo } from 'react';
import type { PointColumns } from '../../../../shared/model/dataset';
import type { NumberColumn, ScoreColumn } from '../../../../shared/model/scores';
import { errorRank, maskedRank, type DrawRank } from '../scatter/draw-order';
import { baseColoring, COLOR_MODES, type ColorMode, type PointColoring } from '../scatter/point-colors';
import { scoreColoring } from './score-coloring';
import { findScore } from './score-columns';
import { filterMask, type FilterResult, type ScoreFilter } from './score-filter';
import { robustRange, type ValueRange } from './score-range';

/** What the map is coloured by: one of the built-in modes, or a score column by name. */
export type ColorChoice = ColorMode | `score:${string}`;

export function scoreChoice(name: string): ColorChoice {
  return `score:${name}`;
}

export function isColorMode(choice: ColorChoice): choice is ColorMode {
  return (COLOR_MODES as readonly string[]).includes(choice);
}

export interface MapColoring {
  coloring: PointColoring;
  rank: DrawRank;
  mask: Uint8Array | null;
  /** The score coloured by, or null for a built-in mode. */
  score: ScoreColumn | null;
  /** Robust range of a number score; null otherwise. */
  range: ValueRange | null;
  /** What the active filter keeps (computed even while the filter is off, for its count); null without one. */
  filtered: FilterResult | null;
}

/**
 * The map's colours and draw order for a colour choice and an optional score filter. The built-in modes share one
 * draw order (errors on top) so switching among them keeps the GPU's position buffer.
 */
export function useMapColoring(args: {
  points: PointColumns;
  classCount: number;
  scores: readonly ScoreColumn[];
  choice: ColorChoice;
  filter: { filter: ScoreFilter; active: boolean } | null;
}): MapColoring {
  const { points, classCount, scores, choice, filter } = args;
  const score = isColorMode(choice) ? null : findScore(scores, choice.slice('score:'.length));
  const mode: ColorMode = isColorMode(choice) ? choice : 'error';
  const errors = useMemo(() => errorRank(points.correct), [points.correct]);
  const base = useMemo(() => baseColoring(points, classCount, mode), [points, classCount, mode]);
  const range = useMemo(() => (score?.kind === 'number' ? robustRange(score.values) : null), [score]);
  const scored = useMemo(() => (score ? scoreColoring(score, range) : null), [score, range]);
  const numberScore: NumberColumn | null = score?.kind === 'number' ? score : null;
  const filtered = useMemo(() => (numberScore && filter ? filterMask(numberScore, filter.filter) : null), [numberScore, filter]);
  const mask = filter?.active && filtered ? filtered.mask : null;
  const rank = useMemo(() => maskedRank(scored?.rank ?? errors, mask), [scored, errors, mask]);
  return { coloring: scored?.coloring ?? base, rank, mask, score, range, filtered };
}
