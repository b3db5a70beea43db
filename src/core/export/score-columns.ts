import type { ScoreColumn } from '../../shared/model/scores.js';
import type { ExtraColumn } from './points-csv.js';

/** Score columns as points.csv extra columns: numbers as numbers, categories by name. */
export function scoreExtraColumns(columns: readonly ScoreColumn[]): ExtraColumn[] {
  return columns.map((column) =>
    column.kind === 'number'
      ? { name: column.name, numbers: column.values }
      : { name: column.name, text: { codes: column.codes, names: column.categories } },
  );
}
