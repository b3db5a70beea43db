/** Colours of the scatter, as RGBA bytes. Tuned for a dark background. */

export type Rgba = readonly [number, number, number, number];

/** Tableau 10 then its light companions: 20 categorical colours that stay distinct on dark grey. */
const CATEGORICAL_HEX = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e',
] as const;

const CATEGORICAL_ALPHA = 200;

function hexToRgba(hex: string, alpha: number): Rgba {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255, alpha];
}

const CATEGORICAL: readonly Rgba[] = CATEGORICAL_HEX.map((h) => hexToRgba(h, CATEGORICAL_ALPHA));

/** HSL to RGB bytes, for classes past the fixed palette. */
function hslToRgba(hueDeg: number, saturation: number, lightness: number, alpha: number): Rgba {
  const c = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const h = (((hueDeg % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] = h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  const m = lightness - c / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255), alpha];
}

const GOLDEN_ANGLE_DEG = 137.508;

/** Colour of class `classIndex`: the fixed palette first, then golden-angle hues so any class count stays distinct-ish. */
export function categoricalColor(classIndex: number): Rgba {
  const fixed = CATEGORICAL[classIndex];
  if (fixed) return fixed;
  const extra = classIndex - CATEGORICAL.length;
  const lightness = extra % 2 === 0 ? 0.62 : 0.72;
  return hslToRgba(extra * GOLDEN_ANGLE_DEG, 0.55, lightness, CATEGORICAL_ALPHA);
}

/** Points with no class (unlabelled, or no prediction). */
export const MISSING_COLOR: Rgba = [128, 132, 140, 110];

/** Error mode: mistakes must stand out; correct points recede. */
export const WRONG_COLOR: Rgba = [244, 63, 63, 235];
export const RIGHT_COLOR: Rgba = [104, 150, 124, 130];
export const UNKNOWN_COLOR: Rgba = MISSING_COLOR;

/** Points a score filter leaves out: still there for context, but faint enough that the matching ones read. */
export const DIMMED_COLOR: Rgba = [96, 102, 114, 38];

/** Score flags (0/1 columns): flagged images must stand out the way mistakes do; the rest recede. */
export const FLAGGED_COLOR: Rgba = [255, 122, 48, 240];
export const UNFLAGGED_COLOR: Rgba = [92, 112, 140, 120];

/** Cluster hovered in the clusters panel. */
export const HIGHLIGHT_COLOR: Rgba = [120, 220, 255, 255];

/** Selection outline and focus ring. */
export const SELECTED_COLOR: Rgba = [255, 214, 92, 255];
export const FOCUS_COLOR: Rgba = [255, 255, 255, 255];

export function rgbaToCss([r, g, b, a]: Rgba): string {
  return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;
}
