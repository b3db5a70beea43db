/**
 * One epoch of umap-learn's layout optimisation (optimize_layout_euclidean) over a range of edges: each edge due
 * this epoch pulls its two ends together, then pushes its head away from a few random points (negative sampling);
 * every gradient component is clipped to ±4. Run on disjoint edge ranges by several threads over one shared
 * embedding, it is Hogwild-style SGD, as umap-learn's numba-parallel loop is: rare overlapping writes are tolerated.
 */

const GRADIENT_CLIP = 4;
const REPULSION_STRENGTH = 1;

export interface SgdEpochArgs {
  /** Interleaved x,y per row; updated in place. */
  embedding: Float32Array;
  rows: number;
  heads: Int32Array;
  tails: Int32Array;
  epochsPerSample: Float32Array;
  /** Per edge: the epoch at which it is next due; advanced in place. */
  nextSampleEpoch: Float32Array;
  nextNegativeEpoch: Float32Array;
  startEdge: number;
  endEdge: number;
  a: number;
  b: number;
  /** Learning rate of this epoch. */
  alpha: number;
  negativeSampleRate: number;
  /** 0-based epoch number. */
  epoch: number;
  /** Seeds the negative-sample generator of this range and epoch. */
  seed: number;
}

export function sgdEpoch(args: SgdEpochArgs): void {
  const { embedding, rows, heads, tails, epochsPerSample, nextSampleEpoch, nextNegativeEpoch, a, b, alpha, epoch } = args;
  const negativeRate = args.negativeSampleRate;
  const twoAB = 2 * a * b;
  const repulsionNumerator = 2 * REPULSION_STRENGTH * b;
  const bMinusOne = b - 1;
  const rowsPerState = rows / 4294967296;
  // xorshift32: the cheapest generator with a full period; quality is ample for picking random rows.
  let state = (args.seed | 0) || 0x9e3779b9;
  for (let edge = args.startEdge; edge < args.endEdge; edge++) {
    if ((nextSampleEpoch[edge] as number) > epoch) continue;
    const head = heads[edge] as number;
    const tail = tails[edge] as number;
    let x = embedding[2 * head] as number;
    let y = embedding[2 * head + 1] as number;
    const tailX = embedding[2 * tail] as number;
    const tailY = embedding[2 * tail + 1] as number;
    let dx = x - tailX;
    let dy = y - tailY;
    let distanceSquared = dx * dx + dy * dy;
    if (distanceSquared > 0) {
      // d^(b-1) as exp((b-1)·ln d): V8's Math.pow is about twice as slow, and this is the hottest line.
      const power = Math.exp(bMinusOne * Math.log(distanceSquared));
      const coefficient = (-twoAB * power) / (a * power * distanceSquared + 1);
      const gradX = clip(coefficient * dx) * alpha;
      const gradY = clip(coefficient * dy) * alpha;
      x += gradX;
      y += gradY;
      embedding[2 * tail] = tailX - gradX;
      embedding[2 * tail + 1] = tailY - gradY;
    }
    const perSample = epochsPerSample[edge] as number;
    nextSampleEpoch[edge] = (nextSampleEpoch[edge] as number) + perSample;

    const perNegative = perSample / negativeRate;
    const negativeCount = Math.floor((epoch - (nextNegativeEpoch[edge] as number)) / perNegative);
    for (let sample = 0; sample < negativeCount; sample++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      // Multiply-shift instead of %: a double modulo costs several times more here.
      const other = ((state >>> 0) * rowsPerState) | 0;
      dx = x - (embedding[2 * other] as number);
      dy = y - (embedding[2 * other + 1] as number);
      distanceSquared = dx * dx + dy * dy;
      if (distanceSquared > 0) {
        const coefficient = repulsionNumerator / ((0.001 + distanceSquared) * (a * Math.exp(b * Math.log(distanceSquared)) + 1));
        x += clip(coefficient * dx) * alpha;
        y += clip(coefficient * dy) * alpha;
      }
    }
    embedding[2 * head] = x;
    embedding[2 * head + 1] = y;
    if (negativeCount > 0) nextNegativeEpoch[edge] = (nextNegativeEpoch[edge] as number) + negativeCount * perNegative;
  }
}

function clip(value: number): number {
  return value > GRADIENT_CLIP ? GRADIENT_CLIP : value < -GRADIENT_CLIP ? -GRADIENT_CLIP : value;
}
