import type { CategoryColumn, NumberColumn, ScoreColumn } from '../../../../shared/model/scores';
import type { DrawRank } from '../scatter/draw-order';
import { categoricalColor, FLAGGED_COLOR, MISSING_COLOR, UNFLAGGED_COLOR, type Rgba } from '../scatter/palette';
import { flattenColors, type PointColoring } from '../scatter/point-colors';
import { displayKind } from './score-columns';
import type { ValueRange } from './score-range';

/**
 * The sequential ramp for number scores, from "fine" to "worse" whatever the column's direction: a dim slate that
 * recedes into the dark map, through teal and yellow to red. Opacity rises with badness so the worst points read
 * even under the crowd (and they are drawn last).
 */
const RAMP_STOPS: ReadonlyArray<{ t: number; color: Rgba }> = [
  { t: 0, color: [62, 84, 122, 120] },
  { t: 0.35, color: [64, 150, 160, 160] },
  { t: 0.62, color: [232, 206, 84, 205] },
  { t: 0.82, color: [246, 138, 48, 228] },
  { t: 1, color: [240, 52, 52, 245] },
];

/** Colour levels of the ramp: far more than the eye separates on a scatter, few enough for a tiny table. */
export const SCORE_LEVELS = 64;

/** Colour of badness `t` (0 fine .. 1 worst, clamped). */
export function rampColor(t: number): Rgba {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1);
  let k = 1;
  while (k < RAMP_STOPS.length - 1 && RAMP_STOPS[k]!.t < x) k++;
  const a = RAMP_STOPS[k - 1]!;
  const b = RAMP_STOPS[k]!;
  const f = (x - a.t) / (b.t - a.t);
  const mix = (i: number): number => Math.round(a.color[i]! + (b.color[i]! - a.color[i]!) * f);
  return [mix(0), mix(1), mix(2), mix(3)];
}

/** The ramp as a CSS gradient (fully opaque, for the legend), fine on the left. */
export function rampCssGradient(): string {
  const stops = RAMP_STOPS.map(({ t, color: [r, g, b] }) => `rgb(${r}, ${g}, ${b}) ${(t * 100).toFixed(0)}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** Badness of `value` in `range` (0 fine .. 1 worst): the range's worse end follows `higherIsWorse`. */
export function badness(value: number, range: ValueRange, higherIsWorse: boolean): number {
  const span = range.max - range.min;
  // A constant column has no "worse": the middle of the ramp, not its alarming end.
  if (!(span > 0)) return 0.5;
  const t = (value - range.min) / span;
  return Math.min(Math.max(higherIsWorse ? t : 1 - t, 0), 1);
}

export interface ScoreColoring {
  coloring: PointColoring;
  /** Worse points in higher buckets, so they are drawn on top. */
  rank: DrawRank;
}

/** Number scores: slot 0 for NaN (grey), then SCORE_LEVELS levels of the ramp over `range`; rank = slot. */
function numberColoring(column: NumberColumn, range: ValueRange | null): ScoreColoring {
  const { values, higherIsWorse } = column;
  const slots = new Uint16Array(values.length);
  const colors: Rgba[] = [MISSING_COLOR];
  for (let level = 0; level < SCORE_LEVELS; level++) colors.push(rampColor(level / (SCORE_LEVELS - 1)));
  if (range !== null) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      slots[i] = Number.isFinite(v) ? 1 + Math.round(badness(v, range, higherIsWorse) * (SCORE_LEVELS - 1)) : 0;
    }
  }
  return { coloring: { slots, table: flattenColors(colors) }, rank: { rank: new Uint8Array(slots), bucketCount: SCORE_LEVELS + 1 } };
}

/** Whether image `i` is flagged by a flag (value 1) or index (value ≥ 0, "has a duplicate") column. */
export function isFlagged(column: NumberColumn, i: number): boolean {
  const v = column.values[i];
  if (v === undefined || Number.isNaN(v)) return false;
  return displayKind(column) === 'index' ? v >= 0 : v === 1;
}

/** Flag and index columns: NaN grey, unflagged muted, flagged orange on top. */
function flagColoring(column: NumberColumn): ScoreColoring {
  const index = displayKind(column) === 'index';
  const { values } = column;
  const slots = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // Index columns use -1 for "none", so only NaN is "not applicable" there.
    slots[i] = Number.isNaN(v) ? 0 : (index ? v >= 0 : v === 1) ? 2 : 1;
  }
  return {
    coloring: { slots, table: flattenColors([MISSING_COLOR, UNFLAGGED_COLOR, FLAGGED_COLOR]) },
    rank: { rank: new Uint8Array(slots), bucketCount: 3 },
  };
}

/** Category columns: one categorical colour per category, grey for -1 (none, e.g. cluster noise) drawn below. */
function categoryColoring(column: CategoryColumn): ScoreColoring {
  const { codes } = column;
  const drawn = Math.min(column.categories.length, 0xfffe);
  const colors: Rgba[] = [MISSING_COLOR];
  for (let c = 0; c < drawn; c++) colors.push(categoricalColor(c));
  const slots = new Uint16Array(codes.length);
  const rank = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    slots[i] = code >= 0 && code < drawn ? code + 1 : 0;
    rank[i] = slots[i]! > 0 ? 1 : 0;
  }
  return { coloring: { slots, table: flattenColors(colors) }, rank: { rank, bucketCount: 2 } };
}

/** The colouring and draw order of any score column; `range` is used by number columns (robustRange). */
export function scoreColoring(column: ScoreColumn, range: ValueRange | null): ScoreColoring {
  if (column.kind === 'category') return categoryColoring(column);
  return displayKind(column) === 'number' ? numberColoring(column, range) : flagColoring(column);
}

export interface CategoryLegendEntry {
  code: number;
  label: string;
  color: Rgba;
  count: number;
}

/** Cluster ids arrive as bare numbers ("3"): the legend says what they are, as the clusters panel does. */
function categoryLabel(column: CategoryColumn, category: string): string {
  return column.name === 'cluster' && /^\d+$/.test(category) ? `Cluster ${category}` : category;
}

/** Categories with how many images each holds, most common first (none last); empty ones left out. */
export function categoryLegend(column: CategoryColumn): CategoryLegendEntry[] {
  const counts = new Array<number>(column.categories.length + 1).fill(0);
  for (const code of column.codes) counts[code >= 0 && code < column.categories.length ? code + 1 : 0]!++;
  const entries = column.categories
    .map((category, c) => ({ code: c, label: categoryLabel(column, category), color: categoricalColor(c), count: counts[c + 1]! }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count || a.code - b.code);
  if (counts[0]! > 0) entries.push({ code: -1, label: column.name === 'cluster' ? 'Noise' : 'None', color: MISSING_COLOR, count: counts[0]! });
  return entries;
}

/** How many images are flagged, not flagged, and not applicable. */
export function flagCounts(column: NumberColumn): { flagged: number; unflagged: number; missing: number } {
  let flagged = 0;
  let missing = 0;
  for (let i = 0; i < column.values.length; i++) {
    if (Number.isNaN(column.values[i]!)) missing++;
    else if (isFlagged(column, i)) flagged++;
  }
  return { flagged, unflagged: column.values.length - flagged - missing, missing };
}
