/**
 * FAKE scores and clusters for the UI harness only: plausible shapes and magnitudes derived from the harness's
 * synthetic layout and the sample's predictions, so the renderer's score colouring, filters, sorts and clusters
 * panel can be built and screenshotted without the real engine. None of this is how the engine computes them.
 */
import type { PointColumns } from '../../src/shared/model/dataset.js';
import type { ClassificationReport } from '../../src/shared/model/reports.js';
import type { ClusterSummary, NumberColumn, ScoreColumn } from '../../src/shared/model/scores.js';
import { mulberry32 } from '../../src/core/project/prng.js';

export interface HarnessScoreInput {
  count: number;
  classes: readonly string[];
  columns: Omit<PointColumns, 'xy'>;
  /** Class probabilities of the image drawn at index i, or null. */
  probabilitiesAt(i: number): readonly number[] | null;
  /** The image file behind index i (repeats when the harness serves more points than images). */
  pathAt(i: number): string;
  xy: Float32Array;
  /** Centre of class c in the synthetic layout. */
  centre(c: number): [number, number];
}

const number = (name: string, label: string, description: string, values: Float32Array, higherIsWorse: boolean): NumberColumn => ({
  kind: 'number',
  name,
  label,
  description,
  values,
  higherIsWorse,
});

/** Beyond this distance from every class centre a point is cluster noise (-1) in the fake clustering. */
const NOISE_DISTANCE = 3.6;

export function harnessScores(input: HarnessScoreInput): { scores: ScoreColumn[]; clusters: ClusterSummary[] } {
  const { count, classes, columns, xy } = input;
  const random = mulberry32(7);
  const mislabel = new Float32Array(count).fill(NaN);
  const margin = new Float32Array(count).fill(NaN);
  const entropy = new Float32Array(count).fill(NaN);
  const suggested = new Int32Array(count).fill(-1);
  const labelIssue = new Float32Array(count).fill(NaN);
  for (let i = 0; i < count; i++) {
    const p = input.probabilitiesAt(i);
    if (p === null) continue;
    const label = columns.label[i]!;
    const sorted = [...p].sort((a, b) => b - a);
    margin[i] = sorted[0]! - (sorted[1] ?? 0);
    entropy[i] = -p.reduce((h, q) => h + (q > 0 ? q * Math.log(q) : 0), 0);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    suggested[i] = best;
    mislabel[i] = label >= 0 ? Math.min(1, Math.max(0, 1 - (p[label] ?? 0) + 0.08 * (random() - 0.5))) : NaN;
    labelIssue[i] = mislabel[i]! > 0.85 && best !== label ? 1 : 0;
  }

  // Fake clustering: the nearest class centre, noise when far from all.
  const cluster = new Int32Array(count).fill(-1);
  const outlier = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let nearest = -1;
    let nearestDistance = Infinity;
    for (let c = 0; c < classes.length; c++) {
      const [cx, cy] = input.centre(c);
      const d = Math.hypot(xy[2 * i]! - cx, xy[2 * i + 1]! - cy);
      if (d < nearestDistance) [nearest, nearestDistance] = [c, d];
    }
    cluster[i] = nearestDistance <= NOISE_DISTANCE ? nearest : -1;
    outlier[i] = nearestDistance / NOISE_DISTANCE;
  }
  const outlierCut = [...outlier].sort((a, b) => a - b)[Math.floor(count * 0.97)] ?? Infinity;
  const isOutlier = outlier.map((v) => (v >= outlierCut ? 1 : 0));
  const uniqueness = outlier.map((v) => Math.min(1, 0.15 + 0.6 * v + 0.1 * random()));

  // Repeated files (large harness runs) are exact duplicates; otherwise a few fake pairs.
  const firstOfPath = new Map<string, number>();
  const duplicateOf = new Float32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    const first = firstOfPath.get(input.pathAt(i));
    if (first === undefined) firstOfPath.set(input.pathAt(i), i);
    else duplicateOf[i] = first;
    if (first === undefined && i % 157 === 156) duplicateOf[i] = i - 1;
  }
  const flag = (share: number): Float32Array => Float32Array.from({ length: count }, () => (random() < share ? 1 : 0));

  const categories = classes.map((_, c) => String(c));
  const scores: ScoreColumn[] = [
    number('confidence', 'Confidence', "The model's probability for its predicted class.", columns.confidence, false),
    number('margin', 'Margin', 'Top probability minus the runner-up: small means the model hesitated between two classes.', margin, false),
    number('loss', 'Loss', 'Cross-entropy of the given label under the model.', columns.loss, true),
    number('entropy', 'Entropy', 'Spread of the predicted distribution: high means the model is unsure.', entropy, true),
    number('mislabel_score', 'Mislabel score', 'How likely the given label is wrong, from the model and the neighbours agreeing on another class.', mislabel, true),
    { kind: 'category', name: 'suggested_label', label: 'Suggested label', description: 'The class the evidence points to.', codes: suggested, categories: [...classes] },
    number('label_issue', 'Label issue', 'Flagged as a likely labelling mistake.', labelIssue, true),
    { kind: 'category', name: 'cluster', label: 'Cluster', description: 'Density cluster of the layout (-1: noise).', codes: cluster, categories },
    number('outlier_score', 'Outlier score', 'Distance to the nearest dense region, relative to the typical one.', outlier, true),
    number('is_outlier', 'Outlier', 'Among the 3% most isolated images.', isOutlier, true),
    number('uniqueness', 'Uniqueness', 'How different the image is from its neighbours: low means redundant.', uniqueness, false),
    number('duplicate_of', 'Duplicate of', 'An identical image earlier in the dataset, or -1.', duplicateOf, true),
    number('blurry', 'Blurry', 'Low high-frequency energy compared with the dataset.', flag(0.02), true),
    number('dark', 'Dark', 'Mean brightness far below the dataset.', flag(0.015), true),
    number('some_future_score', 'Future score', 'A column this UI has never heard of: it must still work.', Float32Array.from({ length: count }, () => random() * 10), true),
  ];

  const clusters: ClusterSummary[] = [];
  for (let c = 0; c < classes.length; c++) {
    const members: number[] = [];
    for (let i = 0; i < count; i++) if (cluster[i] === c) members.push(i);
    if (members.length === 0) continue;
    const labelCounts = new Map<number, number>();
    const confusions = new Map<string, { label: string; predicted: string; count: number }>();
    let wrong = 0;
    let scored = 0;
    let lossSum = 0;
    let lossCount = 0;
    for (const i of members) {
      const label = columns.label[i]!;
      labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
      if (columns.correct[i] !== -1) scored++;
      if (columns.correct[i] === 0) {
        wrong++;
        const key = `${label}>${columns.predicted[i]}`;
        const entry = confusions.get(key) ?? { label: classes[label] ?? '?', predicted: classes[columns.predicted[i]!] ?? '?', count: 0 };
        entry.count++;
        confusions.set(key, entry);
      }
      if (Number.isFinite(columns.loss[i]!)) {
        lossSum += columns.loss[i]!;
        lossCount++;
      }
    }
    const [majority, majorityCount] = [...labelCounts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const [cx, cy] = input.centre(c);
    const representatives = [...members]
      .sort((a, b) => Math.hypot(xy[2 * a]! - cx, xy[2 * a + 1]! - cy) - Math.hypot(xy[2 * b]! - cx, xy[2 * b + 1]! - cy))
      .slice(0, 6);
    const errorRate = scored > 0 ? wrong / scored : NaN;
    const purity = majorityCount / members.length;
    clusters.push({
      id: c,
      name: null,
      size: members.length,
      majorityLabel: classes[majority] ?? null,
      purity,
      errorRate,
      meanLoss: lossCount > 0 ? lossSum / lossCount : NaN,
      f1: NaN,
      splitMix: {},
      topConfusions: [...confusions.values()].sort((a, b) => b.count - a.count).slice(0, 3),
      representatives,
      weakness: Number.isFinite(errorRate) ? errorRate : 1 - purity,
    });
  }
  clusters.sort((a, b) => b.weakness - a.weakness);
  return { scores, clusters };
}

/** The classification report of the harness's labels and predictions (computed plainly, for screenshots). */
export function harnessReport(classes: readonly string[], columns: Omit<PointColumns, 'xy'>): ClassificationReport {
  const k = classes.length;
  const confusion = new Int32Array(k * k);
  let evaluated = 0;
  let right = 0;
  for (let i = 0; i < columns.count; i++) {
    const label = columns.label[i]!;
    const predicted = columns.predicted[i]!;
    if (label < 0 || predicted < 0 || label >= k || predicted >= k) continue;
    confusion[label * k + predicted]!++;
    evaluated++;
    if (label === predicted) right++;
  }
  const perClass = classes.map((name, c) => {
    let predictedAs = 0;
    let labelledAs = 0;
    for (let o = 0; o < k; o++) {
      predictedAs += confusion[o * k + c]!;
      labelledAs += confusion[c * k + o]!;
    }
    const hits = confusion[c * k + c]!;
    const precision = predictedAs > 0 ? hits / predictedAs : NaN;
    const recall = labelledAs > 0 ? hits / labelledAs : NaN;
    const f1 = Number.isNaN(precision) || Number.isNaN(recall) ? NaN : precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { name, precision, recall, f1, support: labelledAs };
  });
  const definedF1 = perClass.map((m) => m.f1).filter((f) => !Number.isNaN(f));
  return {
    classes: [...classes],
    evaluated,
    accuracy: evaluated > 0 ? right / evaluated : NaN,
    perClass,
    macroF1: definedF1.length > 0 ? definedF1.reduce((a, b) => a + b, 0) / definedF1.length : NaN,
    confusion,
  };
}
