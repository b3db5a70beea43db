/**
 * Per-cluster summaries: size, majority label and purity, model error, loss, F1, split mix, top confusions and
 * representative images, ranked weakest first.
 *
 * Weakness: the cluster's error rate when predictions exist (share of its images the model gets wrong), else
 * 1 − purity (a mixed-label cluster is where labels or classes are confused); 0 when neither is known. Ties go to
 * the larger cluster (more images affected), then the lower id.
 */
import type { ClusterSummary } from '../../shared/model/scores.js';

export const REPRESENTATIVE_COUNT = 8;
export const TOP_CONFUSION_COUNT = 5;

export interface ClusterSummaryInput {
  /** Cluster per image, -1 noise. */
  cluster: Int32Array;
  /** Class index per image, -1 unlabelled. */
  labels: Int32Array;
  classes: readonly string[];
  /** Predicted class index per image, -1 none. */
  predicted?: Int32Array;
  /** 1 right, 0 wrong, -1 unknown; derived from labels and predicted when absent. */
  correct?: Int8Array;
  /** Per-image loss, NaN where unknown. */
  loss?: Float32Array;
  /** Per-image detection F1, NaN where unknown. */
  f1?: Float32Array;
  /** Split code per image (-1 unknown) into splitNames. */
  split?: Int32Array;
  splitNames?: readonly string[];
  /** Interleaved 2-D layout, for representatives. */
  xy: Float32Array;
}

export function summarizeClusters(input: ClusterSummaryInput): ClusterSummary[] {
  const { cluster, labels, classes, predicted, loss, f1, split, splitNames, xy } = input;
  const n = cluster.length;
  for (const [name, array] of Object.entries({ labels, predicted, correct: input.correct, loss, f1, split })) {
    if (array !== undefined && array.length !== n) throw new RangeError(`${name} has ${array.length} entries, expected ${n}`);
  }
  if (xy.length !== 2 * n) throw new RangeError(`xy has ${xy.length} values, expected ${2 * n}`);

  const correctOf = (i: number): number => {
    if (input.correct !== undefined) return input.correct[i] as number;
    if (predicted === undefined) return -1;
    const p = predicted[i] as number;
    const l = labels[i] as number;
    return p < 0 || l < 0 ? -1 : p === l ? 1 : 0;
  };

  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = cluster[i] as number;
    if (c < 0) continue;
    const list = members.get(c);
    if (list === undefined) members.set(c, [i]);
    else list.push(i);
  }

  const summaries: ClusterSummary[] = [];
  for (const [id, idx] of members) {
    const labelCounts = new Map<number, number>();
    const confusionCounts = new Map<string, number>();
    const splitCounts = new Map<number, number>();
    let labelled = 0;
    let judged = 0;
    let wrong = 0;
    let lossSum = 0;
    let lossCount = 0;
    let f1Sum = 0;
    let f1Count = 0;
    for (const i of idx) {
      const l = labels[i] as number;
      if (l >= 0) {
        labelled++;
        labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1);
      }
      const ok = correctOf(i);
      if (ok >= 0) {
        judged++;
        if (ok === 0) wrong++;
      }
      const p = predicted?.[i] ?? -1;
      if (l >= 0 && p >= 0 && p !== l) {
        const key = `${l},${p}`;
        confusionCounts.set(key, (confusionCounts.get(key) ?? 0) + 1);
      }
      const li = loss?.[i];
      if (li !== undefined && Number.isFinite(li)) {
        lossSum += li;
        lossCount++;
      }
      const fi = f1?.[i];
      if (fi !== undefined && Number.isFinite(fi)) {
        f1Sum += fi;
        f1Count++;
      }
      const s = split?.[i] ?? -1;
      if (s >= 0) splitCounts.set(s, (splitCounts.get(s) ?? 0) + 1);
    }

    let majority = -1;
    let majorityCount = 0;
    for (const [label, count] of labelCounts) {
      if (count > majorityCount || (count === majorityCount && label < majority)) {
        majority = label;
        majorityCount = count;
      }
    }
    const purity = labelled > 0 ? majorityCount / labelled : NaN;
    const errorRate = judged > 0 ? wrong / judged : NaN;
    const splitMix: Record<string, number> = {};
    for (const [s, count] of [...splitCounts].sort((a, b) => a[0] - b[0])) splitMix[splitNames?.[s] ?? `split ${s}`] = count;
    const topConfusions = [...confusionCounts]
      .map(([key, count]) => {
        const [l, p] = key.split(',').map(Number) as [number, number];
        return { label: classes[l] ?? String(l), predicted: classes[p] ?? String(p), count, l, p };
      })
      .sort((a, b) => b.count - a.count || a.l - b.l || a.p - b.p)
      .slice(0, TOP_CONFUSION_COUNT)
      .map(({ label, predicted: pred, count }) => ({ label, predicted: pred, count }));

    summaries.push({
      id,
      name: null,
      size: idx.length,
      majorityLabel: majority >= 0 ? (classes[majority] ?? String(majority)) : null,
      purity,
      errorRate,
      meanLoss: lossCount > 0 ? lossSum / lossCount : NaN,
      f1: f1Count > 0 ? f1Sum / f1Count : NaN,
      splitMix,
      topConfusions,
      representatives: representatives(idx, xy),
      weakness: Number.isFinite(errorRate) ? errorRate : Number.isFinite(purity) ? 1 - purity : 0,
    });
  }
  return summaries.sort((a, b) => b.weakness - a.weakness || b.size - a.size || a.id - b.id);
}

/**
 * Up to REPRESENTATIVE_COUNT members nearest the cluster's medoid, the medoid first. The medoid is approximated as
 * the member nearest the centroid (an exact medoid is O(size²)); unlike the centroid it always lies in the cluster,
 * even a curved one.
 */
function representatives(idx: readonly number[], xy: Float32Array): number[] {
  let cx = 0;
  let cy = 0;
  for (const i of idx) {
    cx += xy[2 * i] as number;
    cy += xy[2 * i + 1] as number;
  }
  cx /= idx.length;
  cy /= idx.length;
  let medoid = idx[0] as number;
  let best = Infinity;
  for (const i of idx) {
    const d = ((xy[2 * i] as number) - cx) ** 2 + ((xy[2 * i + 1] as number) - cy) ** 2;
    if (d < best) {
      best = d;
      medoid = i;
    }
  }
  const mx = xy[2 * medoid] as number;
  const my = xy[2 * medoid + 1] as number;
  const d2 = (i: number): number => ((xy[2 * i] as number) - mx) ** 2 + ((xy[2 * i + 1] as number) - my) ** 2;
  // Keep the nearest few with an insertion list: O(size × count), not a sort of the whole cluster.
  const chosen: number[] = [];
  for (const i of idx) {
    const d = d2(i);
    if (chosen.length === REPRESENTATIVE_COUNT && d >= d2(chosen[chosen.length - 1] as number)) continue;
    let pos = chosen.length;
    while (pos > 0 && d2(chosen[pos - 1] as number) > d) pos--;
    chosen.splice(pos, 0, i);
    if (chosen.length > REPRESENTATIVE_COUNT) chosen.pop();
  }
  return chosen;
}
