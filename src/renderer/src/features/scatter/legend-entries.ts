import type { PointColumns } from '../../../../shared/model/dataset';
import { categoricalColor, MISSING_COLOR, RIGHT_COLOR, UNKNOWN_COLOR, WRONG_COLOR, type Rgba } from './palette';
import type { ColorMode } from './point-colors';

export interface LegendEntry {
  key: string;
  label: string;
  color: Rgba;
  count: number;
}

/** The legend of a colour mode with how many images each entry colours; empty entries are left out. */
export function legendEntries(
  columns: Pick<PointColumns, 'label' | 'predicted' | 'correct'>,
  classes: readonly string[],
  mode: ColorMode,
): LegendEntry[] {
  if (mode === 'error') {
    let wrong = 0;
    let right = 0;
    let unknown = 0;
    for (const c of columns.correct) {
      if (c === 0) wrong++;
      else if (c === 1) right++;
      else unknown++;
    }
    const entries: LegendEntry[] = [
      { key: 'wrong', label: 'Wrong prediction', color: WRONG_COLOR, count: wrong },
      { key: 'right', label: 'Right prediction', color: RIGHT_COLOR, count: right },
      { key: 'unknown', label: 'No prediction or label', color: UNKNOWN_COLOR, count: unknown },
    ];
    return entries.filter((e) => e.count > 0);
  }
  const values = mode === 'label' ? columns.label : columns.predicted;
  const counts = new Array<number>(classes.length + 1).fill(0);
  for (const v of values) counts[v >= 0 && v < classes.length ? v + 1 : 0]!++;
  const entries: LegendEntry[] = classes.map((name, i) => ({ key: `class-${i}`, label: name, color: categoricalColor(i), count: counts[i + 1]! }));
  entries.push({ key: 'none', label: mode === 'label' ? 'Unlabelled' : 'No prediction', color: MISSING_COLOR, count: counts[0]! });
  return entries.filter((e) => e.count > 0);
}
