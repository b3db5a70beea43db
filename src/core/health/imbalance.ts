/**
 * Class imbalance. Cleanlab's class_imbalance check flags the examples of the rarest class when that class's share
 * is below `threshold` × 1/K (K classes, threshold 0.1). We apply the same rule to every class, not only the rarest,
 * so two equally rare classes are both flagged; with one rare class the result is Cleanlab's.
 */
import type { NumberColumn } from '../../shared/model/scores.js';
import { flagColumn } from './columns.js';

export const CLASS_IMBALANCE_THRESHOLD = 0.1;

export interface ClassImbalance {
  /** Images per class. */
  counts: Int32Array;
  /** Each class's share of the labelled images. */
  shares: Float32Array;
  /** Largest / smallest count over classes that have at least one image; NaN with no labelled image. */
  imbalanceRatio: number;
  /** Classes whose share is below threshold / K. */
  rareClasses: number[];
  /** Per image: 1 if its class is rare, 0 if not, NaN if unlabelled. */
  rareFlag: Float32Array;
}

/** @param labels class index per image, -1 for unlabelled. */
export function classImbalance(labels: Int32Array, classCount: number, threshold = CLASS_IMBALANCE_THRESHOLD): ClassImbalance {
  const counts = new Int32Array(classCount);
  let labelled = 0;
  for (const label of labels) {
    if (label < 0) continue;
    if (label >= classCount) throw new RangeError(`label ${label} is not below the class count ${classCount}`);
    counts[label] = (counts[label] as number) + 1;
    labelled++;
  }
  const shares = new Float32Array(classCount);
  let max = 0;
  let min = Infinity;
  for (let c = 0; c < classCount; c++) {
    const count = counts[c] as number;
    shares[c] = labelled > 0 ? count / labelled : NaN;
    if (count > 0) {
      max = Math.max(max, count);
      min = Math.min(min, count);
    }
  }
  const rareClasses: number[] = [];
  if (labelled > 0 && classCount > 0) {
    for (let c = 0; c < classCount; c++) if ((counts[c] as number) > 0 && (shares[c] as number) < threshold / classCount) rareClasses.push(c);
  }
  const isRare = new Uint8Array(classCount);
  for (const c of rareClasses) isRare[c] = 1;
  const rareFlag = new Float32Array(labels.length);
  labels.forEach((label, i) => {
    rareFlag[i] = label < 0 ? NaN : (isRare[label] as number);
  });
  return { counts, shares, imbalanceRatio: labelled > 0 ? max / min : NaN, rareClasses, rareFlag };
}

/** `rare_class`, as points.csv writes it. */
export function imbalanceColumns(result: ClassImbalance, threshold = CLASS_IMBALANCE_THRESHOLD): NumberColumn[] {
  return [
    flagColumn(
      'rare_class',
      'Rare class',
      `1 when the image's class holds less than ${threshold} × 1/K of the labelled images (Cleanlab's class-imbalance rule, K classes).`,
      result.rareFlag,
    ),
  ];
}
