import type { PointColumns } from '../../../../shared/model/dataset';
import { categoricalColor, DIMMED_COLOR, MISSING_COLOR, RIGHT_COLOR, UNKNOWN_COLOR, WRONG_COLOR, type Rgba } from './palette';

export type ColorMode = 'error' | 'label' | 'predicted';

export const COLOR_MODES: readonly ColorMode[] = ['error', 'label', 'predicted'];

type ColorColumns = Pick<PointColumns, 'label' | 'predicted' | 'correct'>;

/**
 * Any colouring reduced to "slot of a small colour table" per image, so filling the GPU buffer is a byte copy
 * per point whatever the colouring (error verdict, class, score level, category).
 */
export interface PointColoring {
  /** Colour-table slot of each image, in image order. */
  slots: Uint16Array;
  /** RGBA bytes, 4 per slot. */
  table: Uint8Array;
}

export function flattenColors(colors: readonly Rgba[]): Uint8Array {
  const table = new Uint8Array(colors.length * 4);
  colors.forEach((c, i) => table.set(c, i * 4));
  return table;
}

/** The error, label or prediction colouring. */
export function baseColoring(columns: ColorColumns, classCount: number, mode: ColorMode): PointColoring {
  const count = columns.correct.length;
  const slots = new Uint16Array(count);
  if (mode === 'error') {
    const correct = columns.correct;
    for (let i = 0; i < count; i++) slots[i] = correct[i] === 0 ? 2 : correct[i] === 1 ? 1 : 0;
    return { slots, table: flattenColors([UNKNOWN_COLOR, RIGHT_COLOR, WRONG_COLOR]) };
  }
  // Slots are 16-bit: classes past that share the "no class" colour rather than wrap around.
  const drawnClasses = Math.min(classCount, 0xfffe);
  const classColors: Rgba[] = [MISSING_COLOR];
  for (let c = 0; c < drawnClasses; c++) classColors.push(categoricalColor(c));
  const classes = mode === 'label' ? columns.label : columns.predicted;
  for (let i = 0; i < count; i++) {
    const cls = classes[i]!;
    // Out-of-range class indices are upstream data errors: draw them as "no class" rather than crash.
    slots[i] = cls >= 0 && cls < drawnClasses ? cls + 1 : 0;
  }
  return { slots, table: flattenColors(classColors) };
}

/**
 * Fills `out` (4 bytes per drawn point) with the colour of each point in draw order, in one pass.
 * `order[k]` is the image index drawn k-th; `out` must hold exactly `order.length` colours. Images outside
 * `mask` (when given) are drawn in the faint filtered-out colour.
 */
export function fillColors(coloring: PointColoring, order: Uint32Array, out: Uint8Array, mask: Uint8Array | null = null): Uint8Array {
  if (out.length !== order.length * 4) {
    throw new RangeError(`colour buffer holds ${out.length / 4} points, draw order has ${order.length}`);
  }
  const { slots, table } = coloring;
  for (let k = 0; k < order.length; k++) {
    const image = order[k]!;
    const to = k * 4;
    if (mask !== null && !mask[image]) {
      out[to] = DIMMED_COLOR[0];
      out[to + 1] = DIMMED_COLOR[1];
      out[to + 2] = DIMMED_COLOR[2];
      out[to + 3] = DIMMED_COLOR[3];
      continue;
    }
    const from = (slots[image] ?? 0) * 4;
    out[to] = table[from]!;
    out[to + 1] = table[from + 1]!;
    out[to + 2] = table[from + 2]!;
    out[to + 3] = table[from + 3]!;
  }
  return out;
}

/** The error, label or prediction colours of the points in `order`. */
export function fillPointColors(
  columns: ColorColumns,
  classCount: number,
  mode: ColorMode,
  order: Uint32Array,
  out: Uint8Array,
): Uint8Array {
  return fillColors(baseColoring(columns, classCount, mode), order, out);
}
