import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { InputProblem, LabelSource } from '../../shared/model/dataset.js';
import { findColumns, normalizeDatasetPath, readCsvTable } from './csv.js';
import { ProblemList } from './problems.js';
import { comparePaths } from './scan.js';
import { splitFromPath, splitsFromColumn } from './splits.js';

/** Labels for a list of images, in the order of the paths given. */
export interface LabelAssignment {
  source: LabelSource;
  /** The labels file used, as given (or `labels.csv` when found in the root); null unless source is 'csv'. */
  labelsFile: string | null;
  labels: (string | null)[];
  /** 0-based data row of each image in the labels file (precomputed embeddings follow this order); null if absent. */
  labelsRows: (number | null)[];
  /** Each image's split: the labels file's `split` column where it has one, else a train/val/test folder in its path. */
  splits: (string | null)[];
  /** Sorted unique labels of the images. */
  classes: string[];
  problems: InputProblem[];
}

export const DEFAULT_LABELS_FILE_NAME = 'labels.csv';

/**
 * Decides every image's label: from `labelsPath` when given, else from `labels.csv` in the root when present,
 * else from the image's parent folder. A labels file that cannot be read or lacks its columns is reported and the
 * folder labels are used instead.
 */
export async function assignLabels(root: string, imagePaths: readonly string[], options: { labelsPath?: string } = {}): Promise<LabelAssignment> {
  const problems: InputProblem[] = [];
  const explicit = options.labelsPath !== undefined;
  const displayName = options.labelsPath ?? DEFAULT_LABELS_FILE_NAME;
  const absPath = path.resolve(root, displayName);

  const text = await fs.readFile(absPath, 'utf8').catch((err: NodeJS.ErrnoException) => err);
  if (typeof text === 'string') {
    const fromCsv = parseLabelsCsv(text, displayName, imagePaths);
    if (fromCsv.ok) return { source: 'csv', labelsFile: displayName, ...fromCsv.assignment };
    problems.push(...fromCsv.problems, {
      file: displayName,
      kind: 'labels-file-ignored',
      message: `${displayName} is ignored; labels come from the image folders instead.`,
    });
  } else if (explicit || text.code !== 'ENOENT') {
    problems.push({ file: displayName, kind: 'unreadable-file', message: `${displayName} cannot be read (${text.code ?? text.message}); labels come from the image folders instead.` });
  }

  const labels = folderLabels(imagePaths);
  const anyLabelled = labels.some((label) => label !== null);
  return {
    source: anyLabelled ? 'folders' : 'none',
    labelsFile: null,
    labels,
    labelsRows: labels.map(() => null),
    splits: imagePaths.map(splitFromPath),
    classes: classList(labels),
    problems,
  };
}

/** Class-per-folder: the immediate parent folder names the class; files directly in the root are unlabelled. */
export function folderLabels(imagePaths: readonly string[]): (string | null)[] {
  return imagePaths.map((p) => {
    const parts = p.split('/');
    return parts.length >= 2 ? (parts[parts.length - 2] as string) : null;
  });
}

/** Sorted unique non-null labels, in code-unit order so every platform agrees on class indices. */
export function classList(labels: readonly (string | null)[]): string[] {
  const unique = new Set<string>();
  for (const label of labels) if (label !== null) unique.add(label);
  return [...unique].sort(comparePaths);
}

const LabelRowSchema = z.object({
  path: z.string({ error: 'the path field is missing' }).trim().min(1, { error: 'the path is empty' }).transform(normalizeDatasetPath),
  label: z.string({ error: 'the label field is missing' }).trim().min(1, { error: 'the label is empty' }),
});

const UNLABELLED_EXAMPLES = 5;

export type LabelsCsvResult =
  | { ok: true; assignment: Omit<LabelAssignment, 'source' | 'labelsFile'> }
  /** The file is unusable as a whole (not CSV, no header, missing columns). */
  | { ok: false; problems: InputProblem[] };

/**
 * Parses a `path,label[,split]` CSV (header required, other columns ignored) against the scanned image paths. Row problems
 * name the file and the 1-based line; the first row for a path wins.
 */
export function parseLabelsCsv(text: string, file: string, imagePaths: readonly string[]): LabelsCsvResult {
  const read = readCsvTable(text, file);
  if ('problem' in read) return { ok: false, problems: [read.problem] };
  const { header, records } = read.table;
  const columns = findColumns(header, ['path', 'label'] as const);
  if (columns.missing.length > 0) {
    const names = columns.missing.map((c) => `'${c}'`).join(' and ');
    return {
      ok: false,
      problems: [{ file, line: 1, kind: 'missing-column', message: `${file} line 1: the header has no ${names} column (found: ${header.join(', ') || 'nothing'}).` }],
    };
  }

  const splitColumn = header.findIndex((name) => name.trim().toLowerCase() === 'split');
  const splitValues: (string | null)[] = imagePaths.map(() => null);
  const indexByPath = new Map(imagePaths.map((p, i) => [p, i]));
  const labels: (string | null)[] = imagePaths.map(() => null);
  const labelsRows: (number | null)[] = imagePaths.map(() => null);
  const firstSeen = new Map<string, { label: string; line: number }>();
  const problems = new ProblemList();
  const at = (line: number) => `${file} line ${line}`;

  records.forEach(({ fields, line }, dataRow) => {
    const parsed = LabelRowSchema.safeParse({ path: fields[columns.index.path], label: fields[columns.index.label] });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const kind = issue?.path[0] === 'label' ? 'empty-label' : 'empty-path';
      problems.add({ file, line, kind, message: `${at(line)}: ${issue?.message ?? 'invalid row'}; the row is ignored.` });
      return;
    }
    const { path: imagePath, label } = parsed.data;
    const earlier = firstSeen.get(imagePath);
    if (earlier !== undefined) {
      if (earlier.label === label) {
        problems.add({ file, line, kind: 'duplicate-row', message: `${at(line)}: ${imagePath} is listed again (first on line ${earlier.line}); the first row is used.` });
      } else {
        problems.add({
          file,
          line,
          kind: 'conflicting-label',
          message: `${at(line)}: ${imagePath} is labelled '${label}' here but '${earlier.label}' on line ${earlier.line}; the first label is used.`,
        });
      }
      return;
    }
    firstSeen.set(imagePath, { label, line });
    const imageIndex = indexByPath.get(imagePath);
    if (imageIndex === undefined) {
      problems.add({ file, line, kind: 'unknown-path', message: `${at(line)}: ${imagePath} is not an image in the dataset; the row is ignored.` });
      return;
    }
    labels[imageIndex] = label;
    labelsRows[imageIndex] = dataRow;
    if (splitColumn >= 0) splitValues[imageIndex] = fields[splitColumn] ?? null;
  });
  const fromColumn = splitsFromColumn(splitValues);
  const splits = imagePaths.map((p, i) => fromColumn[i] ?? splitFromPath(p));

  const result = problems.toArray();
  const unlabelled = imagePaths.filter((_, i) => labels[i] === null);
  if (unlabelled.length > 0) {
    const examples = unlabelled.slice(0, UNLABELLED_EXAMPLES).join(', ');
    result.push({
      file,
      kind: 'unlabelled-images',
      message: `${unlabelled.length} image(s) have no row in ${file} and are unlabelled, e.g. ${examples}.`,
    });
  }
  return { ok: true, assignment: { labels, labelsRows, splits, classes: classList(labels), problems: result } };
}
