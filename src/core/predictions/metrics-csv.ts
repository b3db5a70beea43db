/**
 * A generic per-image metrics CSV: a `path` column and any numeric columns (a per-image IoU from another tool, a
 * human review score, a capture timestamp...). Each numeric column becomes a score users can colour and sort by.
 */
import type { InputProblem } from '../../shared/model/dataset.js';
import type { NumberColumn } from '../../shared/model/scores.js';
import { normalizeDatasetPath, readCsvTable } from '../dataset/csv.js';
import { ProblemList } from '../dataset/problems.js';

export const DEFAULT_METRICS_FILE_NAME = 'metrics.csv';

export interface MetricsCsvResult {
  columns: NumberColumn[];
  problems: InputProblem[];
}

/**
 * Joins the file's numeric columns to the images by path; NaN where an image has no row or an empty value. A column
 * with any non-numeric value is left out whole (and reported), since a half-numeric column would colour misleadingly.
 * `reserved` names (columns the app already writes) get a `metric_` prefix rather than shadowing them.
 */
export function parseMetricsCsv(text: string, file: string, imagePaths: readonly string[], reserved: ReadonlySet<string> = new Set()): MetricsCsvResult {
  const read = readCsvTable(text, file);
  if ('problem' in read) return { columns: [], problems: [read.problem] };
  const { header, records } = read.table;
  const pathColumn = header.findIndex((name) => name.toLowerCase() === 'path');
  if (pathColumn < 0) {
    return { columns: [], problems: [{ file, line: 1, kind: 'missing-column', message: `${file} line 1: the header has no 'path' column (found: ${header.join(', ') || 'nothing'}).` }] };
  }
  const indexByPath = new Map(imagePaths.map((p, i) => [p, i]));
  const problems = new ProblemList();
  const rowOfImage = new Int32Array(imagePaths.length).fill(-1);
  const firstLine = new Map<string, number>();
  records.forEach(({ fields, line }, r) => {
    const raw = fields[pathColumn]?.trim() ?? '';
    if (raw === '') {
      problems.add({ file, line, kind: 'empty-path', message: `${file} line ${line}: the path is empty; the row is ignored.` });
      return;
    }
    const imagePath = normalizeDatasetPath(raw);
    const earlier = firstLine.get(imagePath);
    if (earlier !== undefined) {
      problems.add({ file, line, kind: 'duplicate-row', message: `${file} line ${line}: ${imagePath} is listed again (first on line ${earlier}); the first row is used.` });
      return;
    }
    firstLine.set(imagePath, line);
    const image = indexByPath.get(imagePath);
    if (image === undefined) {
      problems.add({ file, line, kind: 'unknown-path', message: `${file} line ${line}: ${imagePath} is not an image in the dataset; the row is ignored.` });
      return;
    }
    rowOfImage[image] = r;
  });

  const columns: NumberColumn[] = [];
  header.forEach((name, c) => {
    if (c === pathColumn || name === '') return;
    const values = new Float32Array(imagePaths.length).fill(Number.NaN);
    for (let image = 0; image < imagePaths.length; image += 1) {
      const r = rowOfImage[image] as number;
      if (r < 0) continue;
      const record = records[r] as { fields: string[]; line: number };
      const cell = record.fields[c]?.trim() ?? '';
      if (cell === '') continue;
      const value = Number(cell);
      if (!Number.isFinite(value)) {
        problems.add({ file, line: record.line, kind: 'non-numeric-column', message: `${file} line ${record.line}: column '${name}' holds '${cell}', not a number; the column is left out.` });
        return;
      }
      values[image] = value;
    }
    const columnName = reserved.has(name) ? `metric_${name}` : name;
    columns.push({ kind: 'number', name: columnName, label: name, description: `'${name}' from ${file}.`, values, higherIsWorse: false });
  });
  return { columns, problems: problems.toArray() };
}
