/**
 * Label evidence from the nearest neighbours in embedding space: how many of an image's neighbours carry its label,
 * and the neighbours' label distribution as a class-probability source (Cleanlab's fallback without a model).
 */

export interface KnnLabelEvidence {
  /** Per image: share of its labelled neighbours with its label; NaN when unlabelled or no neighbour is labelled. */
  agreement: Float32Array;
  /** images × classes: smoothed neighbour label shares, (count_j + α/K) / (labelled + α); uniform with no labelled neighbour. */
  probs: Float32Array;
}

/**
 * Additive smoothing of the neighbour shares: with k = 10 a class no neighbour has still gets about 0.9 % rather
 * than 0, so a log or a ratio of these probabilities stays finite.
 */
export const KNN_SMOOTHING = 1;

/**
 * `indices` holds k neighbour ids per image (image i at [i*k, (i+1)*k), self excluded; -1 for a missing slot).
 * `labels` are class codes in [0, classCount) or -1.
 */
export function knnLabelEvidence(indices: Int32Array, k: number, labels: Int32Array, classCount: number): KnnLabelEvidence {
  const count = labels.length;
  if (indices.length !== count * k) throw new Error(`knnLabelEvidence: ${indices.length} neighbour ids for ${count} images × k = ${k}`);
  const agreement = new Float32Array(count).fill(Number.NaN);
  const probs = new Float32Array(count * classCount);
  const counts = new Float64Array(classCount);
  for (let i = 0; i < count; i += 1) {
    counts.fill(0);
    let labelled = 0;
    for (let n = 0; n < k; n += 1) {
      const j = indices[i * k + n] as number;
      if (j < 0) continue;
      const neighbourLabel = labels[j] as number;
      if (neighbourLabel < 0 || neighbourLabel >= classCount) continue;
      counts[neighbourLabel] = (counts[neighbourLabel] as number) + 1;
      labelled += 1;
    }
    const own = labels[i] as number;
    if (own >= 0 && own < classCount && labelled > 0) agreement[i] = (counts[own] as number) / labelled;
    const denominator = labelled + KNN_SMOOTHING;
    for (let c = 0; c < classCount; c += 1) probs[i * classCount + c] = ((counts[c] as number) + KNN_SMOOTHING / classCount) / denominator;
  }
  return { agreement, probs };
}
