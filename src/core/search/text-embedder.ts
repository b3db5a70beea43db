/**
 * CLIP's text side as text search, zero-shot labels and cluster names need it: texts in, unit rows out, in the
 * same space as the dataset's image embeddings. The engine opens one per model folder and keeps it open.
 */
import { ApiError } from '../../shared/api/errors.js';
import type { EmbedderInfo } from '../../shared/model/dataset.js';

export interface TextEmbedder {
  readonly dim: number;
  /** Row-major [texts.length, dim], each row of unit length. */
  encode(texts: readonly string[]): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Opens the text tower of the model folder an image embedder came from. */
export type TextTowerLoader = (modelDir: string) => Promise<TextEmbedder>;

export const NO_TEXT_TOWER = 'no-text-tower';

/** Text towers by model folder, opened on first use and closed with the engine. */
export class TextTowers {
  private readonly open = new Map<string, Promise<TextEmbedder>>();

  constructor(private readonly loader: TextTowerLoader) {}

  /** The text tower matching this image embedder; an ApiError saying why and what to do when there is none. */
  async forEmbedder(embedder: EmbedderInfo): Promise<TextEmbedder> {
    const { modelDir } = embedder;
    if (modelDir === undefined) {
      throw new ApiError(
        NO_TEXT_TOWER,
        `${embedder.name} has no text tower, so text search, zero-shot labels and cluster names are unavailable. ` +
          'Analyze with a CLIP model folder (e.g. --model clip-vit-b32, or a Hugging Face-layout folder with onnx/text_model.onnx) to use them; find similar works with any embedder.',
      );
    }
    let tower = this.open.get(modelDir);
    if (!tower) {
      tower = this.loader(modelDir);
      this.open.set(modelDir, tower);
      tower.catch(() => this.open.delete(modelDir));
    }
    let loaded: TextEmbedder;
    try {
      loaded = await tower;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ApiError(NO_TEXT_TOWER, `The text tower of ${modelDir} could not be opened: ${reason}`, modelDir);
    }
    if (loaded.dim !== embedder.dim) {
      throw new ApiError(
        'text-tower-mismatch',
        `The text tower of ${modelDir} embeds into ${loaded.dim} dimensions but the images were embedded into ${embedder.dim}; re-analyze with that model`,
        modelDir,
      );
    }
    return loaded;
  }

  async closeAll(): Promise<void> {
    const towers = [...this.open.values()];
    this.open.clear();
    await Promise.all(towers.map((t) => t.then((tower) => tower.close(), () => undefined)));
  }
}
