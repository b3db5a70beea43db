import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { InputProblem } from '../../shared/model/dataset.js';
import { describeIssue } from './problem-text.js';

export type YoloSplit = 'train' | 'val' | 'test';
const SPLITS: readonly YoloSplit[] = ['train', 'val', 'test'];

/** What an Ultralytics `data.yaml` says about a dataset. */
export interface YoloDataYaml {
  /** Class names by class index. */
  classNames: string[];
  /** The `path` entry (the dataset root the split folders are relative to), or null. */
  root: string | null;
  /** Image folders (or image-list files) per split, as written. */
  splits: Partial<Record<YoloSplit, string[]>>;
}

export type YoloDataYamlResult = { ok: true; data: YoloDataYaml; problems: InputProblem[] } | { ok: false; problems: InputProblem[] };

const PathsSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'must be a path or a list of paths' });
const NamesSchema = z.union([z.array(z.union([z.string(), z.number()]).transform(String)), z.record(z.string(), z.union([z.string(), z.number()]).transform(String))], {
  error: 'must be a list of names or a map from class index to name',
});
const DataYamlSchema = z.object({
  path: z.string().optional(),
  train: PathsSchema.optional(),
  val: PathsSchema.optional(),
  test: PathsSchema.nullish(),
  nc: z.number().int().nonnegative().optional(),
  names: NamesSchema.optional(),
});

/**
 * Reads a YOLO `data.yaml`. `names` is a list (`[person, car]`) or a map (`{0: person, 1: car}`); a map with gaps
 * gets `class_<i>` for the missing indices (reported), and with no names at all `nc` gives `class_0…`.
 */
export function parseYoloDataYaml(text: string, file: string): YoloDataYamlResult {
  const document = parseDocument(text);
  const yamlError = document.errors[0];
  if (yamlError !== undefined) {
    const line = yamlError.linePos?.[0].line;
    return { ok: false, problems: [{ file, ...(line === undefined ? {} : { line }), kind: 'malformed-yaml', message: `${file}${line === undefined ? '' : ` line ${line}`} is not valid YAML: ${firstLine(yamlError.message)}; the file is ignored.` }] };
  }
  const parsed = DataYamlSchema.safeParse(document.toJS());
  if (!parsed.success) {
    return { ok: false, problems: [{ file, kind: 'bad-data-yaml', message: `${file}: ${describeIssue(parsed.error)}; the file is ignored.` }] };
  }
  const { names, nc } = parsed.data;
  const problems: InputProblem[] = [];
  let classNames: string[];
  if (names === undefined) {
    if (nc === undefined) return { ok: false, problems: [{ file, kind: 'bad-data-yaml', message: `${file} has neither 'names' nor 'nc'; the file is ignored.` }] };
    classNames = Array.from({ length: nc }, (_, i) => `class_${i}`);
  } else if (Array.isArray(names)) {
    classNames = names;
  } else {
    const entries = Object.entries(names);
    const badKey = entries.find(([key]) => !/^\d+$/.test(key));
    if (badKey !== undefined) {
      return { ok: false, problems: [{ file, kind: 'bad-data-yaml', message: `${file}: names key '${badKey[0]}' is not a class index; the file is ignored.` }] };
    }
    const count = Math.max(nc ?? 0, ...entries.map(([key]) => Number(key) + 1));
    classNames = Array.from({ length: count }, (_, i) => names[String(i)] ?? `class_${i}`);
    const gaps = classNames.filter((_, i) => names[String(i)] === undefined).length;
    if (gaps > 0) problems.push({ file, kind: 'missing-class-name', message: `${file}: ${gaps} class indices below ${count} have no name; they are called class_<index>.` });
  }
  if (nc !== undefined && nc !== classNames.length) {
    problems.push({ file, kind: 'class-count-mismatch', message: `${file}: nc is ${nc} but ${classNames.length} names are listed; the names are used.` });
  }
  const splits: Partial<Record<YoloSplit, string[]>> = {};
  for (const split of SPLITS) {
    const value = parsed.data[split];
    if (value !== undefined && value !== null) splits[split] = typeof value === 'string' ? [value] : value;
  }
  return { ok: true, data: { classNames, root: parsed.data.path ?? null, splits }, problems };
}

/**
 * The split of a dataset image by the yaml's split folders: a folder matches when its segments (after leading `./`
 * and `../`) appear in a row in the image's folder path, so `images/val`, `../valid/images` and
 * `/abs/datasets/x/images/val` all work. Image-list files (`*.txt`) are not read here. Null when no split matches.
 */
export function yoloSplitOfImage(imagePath: string, data: YoloDataYaml): YoloSplit | null {
  const folders = imagePath.split('/').slice(0, -1);
  for (const split of SPLITS) {
    for (const entry of data.splits[split] ?? []) {
      if (entry.endsWith('.txt')) continue;
      const slashed = entry.replace(/\\/g, '/');
      const segments = slashed.split('/').filter((s) => s !== '' && s !== '.' && s !== '..');
      const absolute = slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed);
      if (segments.length > 0 && containsRun(folders, segments, absolute)) return split;
    }
  }
  return null;
}

function containsRun(folders: readonly string[], run: readonly string[], absolute: boolean): boolean {
  for (let start = 0; start + run.length <= folders.length; start += 1) {
    if (run.every((segment, i) => folders[start + i] === segment)) return true;
  }
  if (!absolute) return false;
  // An absolute entry (`/data/x/images/val`) names the dataset root too: its tail must start the image's path.
  for (let drop = 1; drop < run.length; drop += 1) {
    const tail = run.slice(drop);
    if (tail.length <= folders.length && tail.every((segment, i) => folders[i] === segment)) return true;
  }
  return false;
}

/** The yaml library appends a code excerpt to its messages after the first line. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:$/, '');
}
