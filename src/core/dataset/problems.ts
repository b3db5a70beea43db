import type { InputProblem } from '../../shared/model/dataset.js';

/** `file` of a summary over problems in several files: the dataset root. */
export const SUMMARY_FILE_SEVERAL = '.';

/**
 * Collects problems while keeping the list readable: a CSV with 10,000 bad rows must not produce 10,000 problems.
 * Each kind keeps its first `perKindLimit` problems; the rest are counted and reported as one summary problem.
 */
export class ProblemList {
  private readonly kept: InputProblem[] = [];
  private readonly byKind = new Map<string, { count: number; file: string }>();

  constructor(private readonly perKindLimit = 10) {}

  add(problem: InputProblem): void {
    const seen = this.byKind.get(problem.kind);
    if (seen === undefined) this.byKind.set(problem.kind, { count: 1, file: problem.file });
    else {
      seen.count += 1;
      if (seen.file !== problem.file) seen.file = SUMMARY_FILE_SEVERAL;
    }
    if ((seen?.count ?? 1) <= this.perKindLimit) this.kept.push(problem);
  }

  /** How many problems of this kind were added, including those left out of `toArray()`. */
  count(kind: string): number {
    return this.byKind.get(kind)?.count ?? 0;
  }

  /** The kept problems in the order added, then one summary per kind that went over the limit. */
  toArray(): InputProblem[] {
    const summaries: InputProblem[] = [];
    for (const [kind, { count, file }] of this.byKind) {
      if (count <= this.perKindLimit) continue;
      const where = file === SUMMARY_FILE_SEVERAL ? '' : ` in ${file}`;
      summaries.push({
        file,
        kind,
        message: `${(count - this.perKindLimit).toLocaleString('en-US')} more '${kind}' problems${where} are not listed (${this.perKindLimit} shown).`,
      });
    }
    return [...this.kept, ...summaries];
  }
}
