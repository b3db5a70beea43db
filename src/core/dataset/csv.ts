import { parse } from 'csv-parse/sync';
import type { InputProblem } from '../../shared/model/dataset.js';

export interface CsvRecord {
  /** Raw fields as written (quotes removed). */
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export interface CsvTable {
  /** Header names, trimmed. */
  header: string[];
  /** Data records after the header; empty lines are skipped and do not count as records. */
  records: CsvRecord[];
}

/**
 * Splits CSV text into a header and records with line numbers. A file that is not valid CSV, or has no header,
 * becomes one problem: the caller then ignores the whole file.
 */
export function readCsvTable(text: string, file: string): { table: CsvTable } | { problem: InputProblem } {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` each record comes wrapped with its position; csv-parse's types do not model that option.
    parsed = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof parsed;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    const reason = err instanceof Error ? err.message : String(err);
    return { problem: { file, ...(line === undefined ? {} : { line }), kind: 'malformed-csv', message: `${file} is not valid CSV: ${reason}` } };
  }
  const [headerRecord, ...dataRecords] = parsed;
  if (headerRecord === undefined) {
    return { problem: { file, kind: 'empty-file', message: `${file} is empty: a header row is required.` } };
  }
  return {
    table: {
      header: headerRecord.record.map((name) => name.trim()),
      // csv-parse reports the line a record ends on; quoted fields may span lines, so count back to its first line.
      records: dataRecords.map(({ record, info }) => ({ fields: record, line: info.lines - countNewlines(record) })),
    },
  };
}

function countNewlines(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) count += 1;
  return count;
}

/** Normalises a dataset-relative path as people write it in CSVs: backslashes, `./` prefixes, `a/../b`. */
export function normalizeDatasetPath(rawPath: string): string {
  const slashed = rawPath.trim().replace(/\\/g, '/');
  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && segments.length > 0 && segments[segments.length - 1] !== '..') segments.pop();
    else segments.push(segment);
  }
  return (slashed.startsWith('/') ? '/' : '') + segments.join('/');
}

/** Finds required columns by name, ignoring case; `missing` lists those absent. */
export function findColumns<Name extends string>(
  header: readonly string[],
  required: readonly Name[],
): { index: Record<Name, number>; missing: Name[] } {
  const lowered = header.map((name) => name.toLowerCase());
  const index = {} as Record<Name, number>;
  const missing: Name[] = [];
  for (const name of required) {
    const at = lowered.indexOf(name.toLowerCase());
    if (at < 0) missing.push(name);
    else index[name] = at;
  }
  return { index, missing };
}
