import { mulberry32 } from '../../src/core/project/prng.js';

/**
 * Flips `rate` of the labels (seeded) the way real annotators err: an image of true class y gets a label drawn from
 * row y of a model's confusion matrix with the diagonal removed, so flips land on classes the model confuses.
 */
export function flipLabels(truth: Int32Array, confusion: Float64Array, classCount: number, rate: number, seed: number): { noisy: Int32Array; flipped: Uint8Array } {
  const random = mulberry32(seed);
  const count = truth.length;
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const noisy = truth.slice();
  const flipped = new Uint8Array(count);
  for (const i of order.slice(0, Math.round(rate * count))) {
    const y = truth[i] as number;
    // With no confusion at all in the row, fall back to uniform over the other classes.
    const weight = (c: number) => (c === y ? 0 : confusionRowTotal(confusion, classCount, y) > 0 ? (confusion[y * classCount + c] as number) : 1);
    let total = 0;
    for (let c = 0; c < classCount; c += 1) total += weight(c);
    let draw = random() * total;
    let label = y === 0 ? 1 : 0;
    for (let c = 0; c < classCount; c += 1) {
      if (weight(c) === 0) continue;
      label = c;
      draw -= weight(c);
      if (draw < 0) break;
    }
    noisy[i] = label;
    flipped[i] = 1;
  }
  return { noisy, flipped };
}

function confusionRowTotal(confusion: Float64Array, classCount: number, y: number): number {
  let total = 0;
  for (let c = 0; c < classCount; c += 1) if (c !== y) total += confusion[y * classCount + c] as number;
  return total;
}
