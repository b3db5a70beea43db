/** Names each density cluster by the word its mean image embedding is nearest to (CLIP zero-shot). */
import { zeroShotClassify } from './zero-shot.js';

/**
 * `cluster[row]` is the cluster of embedding row `row` (-1 for noise); `vectors` are unit rows of `dim`; `words` the
 * unit embeddings of `wordNames`. Returns cluster id → name for every cluster with at least one row.
 */
export function nameClusters(cluster: Int32Array, vectors: Float32Array, dim: number, words: Float32Array, wordNames: readonly string[]): Map<number, string> {
  const ids = [...new Set(cluster)].filter((id) => id >= 0).sort((a, b) => a - b);
  const slot = new Map(ids.map((id, i) => [id, i]));
  const means = new Float32Array(ids.length * dim);
  cluster.forEach((id, row) => {
    const s = slot.get(id);
    if (s === undefined) return;
    for (let d = 0; d < dim; d += 1) means[s * dim + d] = (means[s * dim + d] as number) + (vectors[row * dim + d] as number);
  });
  for (let s = 0; s < ids.length; s += 1) {
    let sumOfSquares = 0;
    for (let d = 0; d < dim; d += 1) sumOfSquares += (means[s * dim + d] as number) ** 2;
    const scale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 0;
    for (let d = 0; d < dim; d += 1) means[s * dim + d] = (means[s * dim + d] as number) * scale;
  }
  const { label } = zeroShotClassify(means, words, dim);
  return new Map(ids.map((id, s) => [id, wordNames[label[s] as number] ?? '']));
}
