import { normalizeDatasetPath } from '../dataset/csv.js';

export type ImageJoin =
  | { status: 'joined'; imageIndex: number }
  | { status: 'none' }
  /** Several dataset images fit equally well; `candidates` are their paths. */
  | { status: 'ambiguous'; candidates: string[] };

/**
 * Joins file names as annotation formats write them (COCO `file_name`, VOC `<filename>`, prediction file paths) to
 * dataset images. Rule: the dataset image whose path shares the most trailing path segments with the name wins,
 * and it must share at least the file name. So `a.jpg`, `val2017/a.jpg`, `images/val2017/a.jpg` and
 * `/data/coco/images/val2017/a.jpg` all join `images/val2017/a.jpg`; when two images tie (`train/a.jpg` and
 * `val/a.jpg` for a bare `a.jpg`) the join is ambiguous and the caller reports it rather than guessing.
 * Matching is exact in case; backslashes and `./` are normalised.
 */
export class ImagePathJoiner {
  private readonly byBaseName = new Map<string, number[]>();
  private readonly segmentsOf: string[][];
  private readonly imagePaths: readonly string[];

  /** `keyOf` turns a dataset path into the name to compare against (e.g. a YOLO label path); default the path itself. */
  constructor(imagePaths: readonly string[], keyOf: (imagePath: string) => string = (p) => p) {
    this.segmentsOf = imagePaths.map((p) => splitSegments(keyOf(p)));
    this.segmentsOf.forEach((segments, index) => {
      const base = segments[segments.length - 1] ?? '';
      const list = this.byBaseName.get(base);
      if (list === undefined) this.byBaseName.set(base, [index]);
      else list.push(index);
    });
    this.imagePaths = imagePaths;
  }

  join(name: string): ImageJoin {
    const segments = splitSegments(name);
    const candidates = this.byBaseName.get(segments[segments.length - 1] ?? '');
    if (candidates === undefined) return { status: 'none' };
    if (candidates.length === 1) return { status: 'joined', imageIndex: candidates[0] as number };
    let best: number[] = [];
    let bestShared = 0;
    for (const index of candidates) {
      const shared = sharedTrailingSegments(segments, this.segmentsOf[index] ?? []);
      if (shared > bestShared) {
        best = [index];
        bestShared = shared;
      } else if (shared === bestShared) best.push(index);
    }
    if (best.length === 1) return { status: 'joined', imageIndex: best[0] as number };
    return { status: 'ambiguous', candidates: best.map((i) => this.imagePaths[i] ?? '') };
  }
}

function splitSegments(name: string): string[] {
  return normalizeDatasetPath(name).split('/').filter((s) => s !== '');
}

function sharedTrailingSegments(a: readonly string[], b: readonly string[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && a[a.length - 1 - shared] === b[b.length - 1 - shared]) shared += 1;
  return shared;
}

/** The message for a name that did not join, for an `InputProblem`. */
export function describeFailedJoin(name: string, join: Exclude<ImageJoin, { status: 'joined' }>): { kind: string; reason: string } {
  if (join.status === 'none') return { kind: 'unknown-image', reason: `${name} is not an image in the dataset` };
  const shown = join.candidates.slice(0, 3).join(', ');
  return { kind: 'ambiguous-image', reason: `${name} fits ${join.candidates.length} dataset images equally (${shown}${join.candidates.length > 3 ? ', …' : ''})` };
}
