import { csvField, csvNumber } from './csv-format.js';

/** Text per row, or class codes into `names` (a negative code is empty): PointColumns' label arrays fit as is. */
export type TextColumn = readonly (string | null)[] | { codes: ArrayLike<number>; names: readonly string[] };

/** Extra columns appended after the stable ones, in the order given. */
export type ExtraColumn = { name: string; text: TextColumn } | { name: string; numbers: ArrayLike<number> };

/** Column-oriented input, one entry per image in index order. */
export interface PointsCsvColumns {
  path: readonly string[];
  label: TextColumn;
  predictedLabel: TextColumn;
  /** NaN is written empty. */
  confidence: ArrayLike<number>;
  /** 1 right, 0 wrong; anything else (-1: unknown) is written empty. */
  correct: ArrayLike<number>;
  /** Interleaved x, y (2 per image); NaN is written empty. */
  xy: ArrayLike<number>;
  extra?: readonly ExtraColumn[];
}

/** The stable leading columns of points.csv; scripts may rely on their names and order. */
export const POINTS_CSV_HEADER = ['path', 'label', 'predicted_label', 'confidence', 'correct', 'x', 'y'] as const;

/**
 * Writes points.csv for the images in `rows` (image indices, in that order; default all). Used by the CLI's
 * points.csv and the UI's selection export.
 */
export function pointsCsv(columns: PointsCsvColumns, rows?: ArrayLike<number>): string {
  const extra = columns.extra ?? [];
  const label = textReader(columns.label);
  const predicted = textReader(columns.predictedLabel);
  const extraReaders = extra.map((column) => ('text' in column ? textReader(column.text) : (i: number) => csvNumber(at(column.numbers, i))));
  const header = [...POINTS_CSV_HEADER, ...extra.map((column) => column.name)].map(csvField).join(',');

  const count = rows?.length ?? columns.path.length;
  const lines: string[] = [header];
  for (let r = 0; r < count; r += 1) {
    const i = rows === undefined ? r : (rows[r] as number);
    const path = columns.path[i];
    if (path === undefined) throw new RangeError(`pointsCsv: no image with index ${i} (${columns.path.length} images)`);
    const correct = at(columns.correct, i);
    const fields = [
      csvField(path),
      label(i),
      predicted(i),
      csvNumber(at(columns.confidence, i)),
      correct === 1 ? '1' : correct === 0 ? '0' : '',
      csvNumber(at(columns.xy, 2 * i)),
      csvNumber(at(columns.xy, 2 * i + 1)),
      ...extraReaders.map((read) => read(i)),
    ];
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A missing entry reads as NaN, which is written empty. */
function at(values: ArrayLike<number>, i: number): number {
  return values[i] ?? Number.NaN;
}

function textReader(column: TextColumn): (i: number) => string {
  if ('codes' in column) {
    const names = column.names.map(csvField);
    return (i) => names[column.codes[i] ?? -1] ?? '';
  }
  return (i) => {
    const value = column[i];
    return value === null || value === undefined ? '' : csvField(value);
  };
}
