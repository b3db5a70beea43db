/** CLIP zero-shot classification of image embeddings against class embeddings. */
import { dot } from '../search/top-k.js';

/** CLIP's learned temperature: logits are 100 × cosine similarity (exp of the trained logit_scale, clamped at 100). */
export const CLIP_LOGIT_SCALE = 100;

export interface ZeroShotResult {
  /** Best class per image row. */
  label: Int32Array;
  /** Its softmax probability over the classes, with CLIP's logit scale. */
  confidence: Float32Array;
}

/**
 * For each row of `images` ([rows, dim], unit rows) the class whose embedding (`classes`, [classCount, dim], unit
 * rows) is nearest, and its softmax probability over all classes at logit scale `logitScale`.
 */
export function zeroShotClassify(images: Float32Array, classes: Float32Array, dim: number, logitScale = CLIP_LOGIT_SCALE): ZeroShotResult {
  const rows = Math.floor(images.length / dim);
  const classCount = Math.floor(classes.length / dim);
  const label = new Int32Array(rows).fill(-1);
  const confidence = new Float32Array(rows).fill(Number.NaN);
  if (classCount === 0) return { label, confidence };
  const logits = new Float64Array(classCount);
  for (let r = 0; r < rows; r += 1) {
    let best = 0;
    for (let c = 0; c < classCount; c += 1) {
      logits[c] = logitScale * dot(images, r * dim, classes, c * dim, dim);
      if ((logits[c] as number) > (logits[best] as number)) best = c;
    }
    // Softmax relative to the best logit, so exp never overflows.
    const top = logits[best] as number;
    let sum = 0;
    for (let c = 0; c < classCount; c += 1) sum += Math.exp((logits[c] as number) - top);
    label[r] = best;
    confidence[r] = 1 / sum;
  }
  return { label, confidence };
}
