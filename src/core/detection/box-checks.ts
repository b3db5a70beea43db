import type { InputProblem } from '../../shared/model/dataset.js';

export interface ImageSize {
  width: number;
  height: number;
}

export type CheckedBox =
  | { ok: true; x1: number; y1: number; x2: number; y2: number; clipped: boolean }
  | { ok: false; reason: string };

/**
 * Clips a box to the image (when its size is known) and refuses one with no area. Boxes a little outside the frame
 * are common (rounding, objects cut by the border) and are worth keeping; a box with zero or negative width or
 * height cannot be matched and is dropped.
 */
export function checkBox(x1: number, y1: number, x2: number, y2: number, size: ImageSize | null): CheckedBox {
  if (![x1, y1, x2, y2].every(Number.isFinite)) return { ok: false, reason: 'has a coordinate that is not a finite number' };
  if (x2 <= x1 || y2 <= y1) return { ok: false, reason: `has zero or negative size (${formatNumber(x2 - x1)} × ${formatNumber(y2 - y1)} px)` };
  if (size === null) return { ok: true, x1, y1, x2, y2, clipped: false };
  const cx1 = Math.min(Math.max(x1, 0), size.width);
  const cy1 = Math.min(Math.max(y1, 0), size.height);
  const cx2 = Math.min(Math.max(x2, 0), size.width);
  const cy2 = Math.min(Math.max(y2, 0), size.height);
  if (cx2 <= cx1 || cy2 <= cy1) return { ok: false, reason: `lies entirely outside the ${size.width} × ${size.height} image` };
  const clipped = cx1 !== x1 || cy1 !== y1 || cx2 !== x2 || cy2 !== y2;
  return { ok: true, x1: cx1, y1: cy1, x2: cx2, y2: cy2, clipped };
}

function formatNumber(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

/** Counts clipped boxes per file so that one summary problem replaces thousands of near-identical ones. */
export class ClipCounter {
  private readonly byFile = new Map<string, number>();

  add(file: string): void {
    this.byFile.set(file, (this.byFile.get(file) ?? 0) + 1);
  }

  get total(): number {
    let sum = 0;
    for (const count of this.byFile.values()) sum += count;
    return sum;
  }

  /** One problem per file for a few files, else one for all of them, naming `summaryFile`. */
  toProblems(summaryFile: string): InputProblem[] {
    const kind = 'box-clipped';
    if (this.byFile.size <= 3) {
      return [...this.byFile].map(([file, count]) => ({ file, kind, message: `${file}: ${count} box${count > 1 ? 'es' : ''} reached outside the image and ${count > 1 ? 'were' : 'was'} clipped to it.` }));
    }
    const total = this.total;
    return [{ file: summaryFile, kind, message: `${total} boxes in ${this.byFile.size} files reached outside their image and were clipped to it.` }];
  }
}
