/**
 * Dataset splits (train / val / test): read from a folder name in an image's path, or from a `split` column.
 * Leaky-split checks and per-cluster split mixes use the normalised names.
 */

export type SplitName = 'train' | 'val' | 'test';

/** The canonical split names, in the order categories are numbered. */
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

/** Spellings seen in real datasets (ImageNet, YOLO/Roboflow exports, Kaggle), lower-cased. */
const SPLIT_SYNONYMS: Readonly<Record<string, SplitName>> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/**
 * The split named by the first folder segment of `relPath` that is a split name (case-insensitive), else null.
 * Only folders count: `images/train_01.png` has no split, `Train/cat/1.png` is train. Accepts `/` and `\`.
 */
export function splitFromPath(relPath: string): SplitName | null {
  const segments = relPath.split(/[\\/]/);
  // The last segment is the file name, not a folder.
  for (let i = 0; i < segments.length - 1; i++) {
    const split = SPLIT_SYNONYMS[(segments[i] as string).toLowerCase()];
    if (split !== undefined) return split;
  }
  return null;
}

/**
 * Normalises the values of a `split` column: known spellings become train/val/test (case and surrounding spaces
 * ignored), other non-empty values are kept trimmed and lower-cased (a custom split such as `holdout` stays its own
 * split), empty or missing values become null.
 */
export function splitsFromColumn(values: readonly (string | null | undefined)[]): (string | null)[] {
  return values.map((value) => {
    const key = (value ?? '').trim().toLowerCase();
    if (key === '') return null;
    return SPLIT_SYNONYMS[key] ?? key;
  });
}

/** Splits as codes into `names` (-1 for unknown): train, val, test first when present, then other names sorted. */
export function encodeSplits(splits: readonly (string | null)[]): { codes: Int32Array; names: string[] } {
  const present = new Set<string>();
  for (const split of splits) if (split !== null) present.add(split);
  const canonical = SPLIT_NAMES.filter((name) => present.has(name));
  const others = [...present].filter((name) => !(SPLIT_NAMES as readonly string[]).includes(name)).sort();
  const names = [...canonical, ...others];
  const codeOf = new Map(names.map((name, i) => [name, i]));
  const codes = new Int32Array(splits.length);
  splits.forEach((split, i) => {
    codes[i] = split === null ? -1 : (codeOf.get(split) as number);
  });
  return { codes, names };
}
