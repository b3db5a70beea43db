/**
 * Confident learning (Northcutt et al., as Cleanlab implements it): from out-of-sample class probabilities, estimate
 * how many images of each given label really belong to each other class, and flag that many images per
 * (given, true) pair: those where the other class beats the given one by the widest margin.
 */

export interface ConfidentLearningResult {
  /** Per class: mean probability of the class over the images labelled with it (Infinity for a class nobody has). */
  thresholds: Float64Array;
  /** classes × classes counts, row = given label, column = confident guess of the true class, before calibration. */
  confidentJoint: Int32Array;
  /** The joint calibrated to the label counts and rounded (rows keep their totals): images to flag per cell. */
  calibratedJoint: Int32Array;
  /** Per image: 1 when flagged as a label issue. */
  issues: Uint8Array;
  /** Per image: probability of its given label (Cleanlab's default ranking score); NaN when unlabelled or no probabilities. */
  selfConfidence: Float32Array;
}

/** Cleanlab compares with thresholds - 1e-6, so an image exactly at its class mean still counts. */
const THRESHOLD_SLACK = 1e-6;

/**
 * `probs`: images × classes, rows summing to 1, NaN rows for images without probabilities (left out).
 * `labels`: class codes in [0, classCount) or -1 (left out).
 */
export function confidentLearning(probs: Float32Array, labels: Int32Array, classCount: number): ConfidentLearningResult {
  const count = labels.length;
  const k = classCount;
  if (probs.length !== count * k) throw new Error(`confidentLearning: ${probs.length} probabilities for ${count} images × ${k} classes`);
  const usable = (i: number) => {
    const label = labels[i] as number;
    return label >= 0 && label < k && !Number.isNaN(probs[i * k]);
  };

  const labelCounts = new Float64Array(k);
  const thresholds = new Float64Array(k);
  const selfConfidence = new Float32Array(count).fill(Number.NaN);
  for (let i = 0; i < count; i += 1) {
    if (!usable(i)) continue;
    const label = labels[i] as number;
    labelCounts[label] = (labelCounts[label] as number) + 1;
    thresholds[label] = (thresholds[label] as number) + (probs[i * k + label] as number);
    selfConfidence[i] = probs[i * k + label] as number;
  }
  for (let c = 0; c < k; c += 1) thresholds[c] = (labelCounts[c] as number) > 0 ? (thresholds[c] as number) / (labelCounts[c] as number) : Number.POSITIVE_INFINITY;

  // Confident joint: each image counts under (given label, most probable class among those above their threshold).
  const confidentJoint = new Int32Array(k * k);
  for (let i = 0; i < count; i += 1) {
    if (!usable(i)) continue;
    let guess = -1;
    for (let c = 0; c < k; c += 1) {
      const p = probs[i * k + c] as number;
      if (p >= (thresholds[c] as number) - THRESHOLD_SLACK && (guess < 0 || p > (probs[i * k + guess] as number))) guess = c;
    }
    if (guess < 0) continue;
    const cell = (labels[i] as number) * k + guess;
    confidentJoint[cell] = (confidentJoint[cell] as number) + 1;
  }

  const calibratedJoint = calibrate(confidentJoint, labelCounts, k);

  // Prune by noise rate: for given label g and other class t, flag the calibrated count of images labelled g with
  // the largest margin p_t - p_g. Each class keeps at least one image.
  const issues = new Uint8Array(count);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < count; i += 1) if (usable(i)) members[labels[i] as number]?.push(i);
  for (let g = 0; g < k; g += 1) {
    const ofClass = members[g] as number[];
    let budget = Math.max(0, ofClass.length - 1);
    for (let t = 0; t < k && budget > 0; t += 1) {
      if (t === g) continue;
      const toFlag = Math.min(budget, calibratedJoint[g * k + t] as number);
      if (toFlag <= 0) continue;
      budget -= toFlag;
      const byMargin = ofClass
        .map((i) => ({ i, margin: (probs[i * k + t] as number) - (probs[i * k + g] as number) }))
        .sort((a, b) => b.margin - a.margin || a.i - b.i);
      for (let n = 0; n < toFlag; n += 1) issues[(byMargin[n] as { i: number }).i] = 1;
    }
  }
  // Cleanlab keeps an image whose given label is also the model's top class: the model agrees with the label.
  for (let i = 0; i < count; i += 1) {
    if (issues[i] === 0) continue;
    const label = labels[i] as number;
    let top = 0;
    for (let c = 1; c < k; c += 1) if ((probs[i * k + c] as number) > (probs[i * k + top] as number)) top = c;
    if (top === label) issues[i] = 0;
  }
  return { thresholds, confidentJoint, calibratedJoint, issues, selfConfidence };
}

/**
 * Scales each row of the joint to its label count, then the whole to the number of images, and rounds each row
 * so it keeps its (rounded) total: largest remainders get the extra units.
 */
function calibrate(joint: Int32Array, labelCounts: Float64Array, k: number): Int32Array {
  const scaled = new Float64Array(k * k);
  let total = 0;
  let images = 0;
  for (let g = 0; g < k; g += 1) {
    let rowSum = 0;
    for (let t = 0; t < k; t += 1) rowSum += joint[g * k + t] as number;
    images += labelCounts[g] as number;
    if (rowSum === 0) continue;
    for (let t = 0; t < k; t += 1) {
      const v = ((joint[g * k + t] as number) / rowSum) * (labelCounts[g] as number);
      scaled[g * k + t] = v;
      total += v;
    }
  }
  const out = new Int32Array(k * k);
  if (total === 0) return out;
  for (let g = 0; g < k; g += 1) {
    const row = Array.from({ length: k }, (_, t) => ((scaled[g * k + t] as number) * images) / total);
    const target = Math.round(row.reduce((a, b) => a + b, 0));
    const floors = row.map(Math.floor);
    let missing = target - floors.reduce((a, b) => a + b, 0);
    const order = row.map((v, t) => ({ t, rest: v - Math.floor(v) })).sort((a, b) => b.rest - a.rest || a.t - b.t);
    for (const { t } of order) {
      if (missing <= 0) break;
      floors[t] = (floors[t] as number) + 1;
      missing -= 1;
    }
    floors.forEach((v, t) => (out[g * k + t] = v));
  }
  return out;
}
