import type { PointColumns } from '../../../../shared/model/dataset';
import { categoricalColor, MISSING_COLOR, RIGHT_COLOR, UNKNOWN_COLOR, WRONG_COLOR, type Rgba } from './palette';

export type ColorMode = 'error' | 'label' | 'predicted';

export const COLOR_MODES: readonly ColorMode[] = ['error', 'label', 'predicted'];

type ColorColumns = Pick<PointColumns, 'label' | 'predicted' | 'correct'>;

function flatten(colors: readonly Rgba[]): Uint8Array {
  const table = new Uint8Array(colors.length * 4);
  colors.forEach((c, i) => table.set(c, i * 4));
  return table;
}

/**
 * Fills `out` (4 bytes per drawn point) with the colour of each point in draw order, in one pass.
 * `order[k]` is the image index drawn k-th; `out` must hold exactly `order.length` colours.
 */
export function fillPointColors(
  columns: ColorColumns,
  classCount: number,
  mode: ColorMode,
  order: Uint32Array,
  out: Uint8Array,
): Uint8Array {
  if (out.length !== order.length * 4) {
    throw new RangeError(`colour buffer holds ${out.length / 4} points, draw order has ${order.length}`);
  }
  // Every mode reduces to "slot of a small colour table", so the hot loop only copies bytes.
  let table: Uint8Array;
  let slotOf: (image: number) => number;
  if (mode === 'error') {
    table = flatten([UNKNOWN_COLOR, RIGHT_COLOR, WRONG_COLOR]);
    const correct = columns.correct;
    slotOf = (i) => (correct[i] === 0 ? 2 : correct[i] === 1 ? 1 : 0);
  } else {
    const classColors: Rgba[] = [MISSING_COLOR];
    for (let c = 0; c < classCount; c++) classColors.push(categoricalColor(c));
    table = flatten(classColors);
    const classes = mode === 'label' ? columns.label : columns.predicted;
    // Out-of-range class indices are upstream data errors: draw them as "no class" rather than crash.
    slotOf = (i) => {
      const cls = classes[i]!;
      return cls >= 0 && cls < classCount ? cls + 1 : 0;
    };
  }
  for (let k = 0; k < order.length; k++) {
    const from = slotOf(order[k]!) * 4;
    const to = k * 4;
    out[to] = table[from]!;
    out[to + 1] = table[from + 1]!;
    out[to + 2] = table[from + 2]!;
    out[to + 3] = table[from + 3]!;
  }
  return out;
}
