import type { z } from 'zod';

const EXAMPLES_SHOWN = 5;

/** The first zod issue as `field message`, e.g. `bbox must be [x, y, width, height] numbers`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'is invalid';
  const where = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  return where === '' ? issue.message : `${where} ${issue.message}`;
}

/** A few names, then `…` when there are more: `7, 9, 11, …`. */
export function examplesOf(names: Iterable<string>): string {
  const all = [...names];
  return `${all.slice(0, EXAMPLES_SHOWN).join(', ')}${all.length > EXAMPLES_SHOWN ? ', …' : ''}`;
}

/** Counts occurrences by name, for summary problems. */
export class NameCounter {
  readonly counts = new Map<string, number>();

  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  get size(): number {
    return this.counts.size;
  }

  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** `2 (5 detections): 7, 9` */
  describe(unit: string, prefix = ''): string {
    return `${this.size} (${this.total} ${unit}): ${examplesOf([...this.counts.keys()].map((name) => `${prefix}${name}`))}`;
  }
}
