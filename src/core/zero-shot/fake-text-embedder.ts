/**
 * A text "tower" for tests: each text maps to the unit axis of the first known word it contains, so zero-shot and
 * search results are known in advance.
 */
import type { TextEmbedder } from '../search/text-embedder.js';

export class FakeTextEmbedder implements TextEmbedder {
  readonly encoded: string[] = [];
  closed = false;

  /** `axes[word]` is the axis that texts naming `word` point along. */
  constructor(
    readonly dim: number,
    private readonly axes: Record<string, number>,
  ) {}

  encode(texts: readonly string[]): Promise<Float32Array> {
    this.encoded.push(...texts);
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((text, i) => {
      const word = Object.keys(this.axes).find((w) => text.toLowerCase().includes(w.toLowerCase()));
      // A text naming no known word points along the last axis.
      out[i * this.dim + (word === undefined ? this.dim - 1 : (this.axes[word] as number))] = 1;
    });
    return Promise.resolve(out);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
