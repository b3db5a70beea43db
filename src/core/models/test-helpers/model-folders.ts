/**
 * Test helper: Hugging Face-layout model folders with the tiny generated towers (optimum's signatures), with or
 * without a text tower, tokenizer and config, to test what import accepts and what it says.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTinyClipModel, writeTinyClipTextModel } from '../../../../test/fixtures/models/tiny-clip.js';
import { clipBpeVocabularyPath } from '../../resources.js';
import { formatMergesText, readBpeTables } from '../../text/bpe-files.js';
import { clipVocabulary } from '../../text/clip-tokenizer.js';

export interface ModelFolderOptions {
  tokenizer?: 'merges.txt' | 'tokenizer.json' | 'none';
  text?: boolean;
  /** projection_dim written to config.json; omitted: no config.json. */
  projectionDim?: number;
  seed?: number;
  /** 'root': vision_model.onnx and text_model.onnx at the folder's root instead of under onnx/. */
  layout?: 'optimum' | 'root';
}

/** Writes `<dir>/onnx/vision_model.onnx` (+ text tower, tokenizer file, configs as asked); tokenizers are real ones. */
export async function writeModelFolder(dir: string, options: ModelFolderOptions = {}): Promise<string> {
  const seed = options.seed ?? 1;
  const towers = options.layout === 'root' ? dir : join(dir, 'onnx');
  await writeTinyClipModel(join(towers, 'vision_model.onnx'), { precision: 'fp32', seed });
  if (options.text ?? true) await writeTinyClipTextModel(join(towers, 'text_model.onnx'), { precision: 'fp32', seed });
  const tokenizer = options.tokenizer ?? 'merges.txt';
  const { merges } = await readBpeTables(clipBpeVocabularyPath());
  if (tokenizer === 'merges.txt') await writeFile(join(dir, 'merges.txt'), formatMergesText(merges));
  if (tokenizer === 'tokenizer.json') {
    const vocab = Object.fromEntries(clipVocabulary(merges).map((token, id) => [token, id]));
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify({ version: '1.0', model: { type: 'BPE', end_of_word_suffix: '</w>', vocab, merges: merges.map(([a, b]) => `${a} ${b}`) } }));
  }
  await writeFile(join(dir, 'preprocessor_config.json'), '{"crop_size": 224}');
  if (options.projectionDim !== undefined) await writeFile(join(dir, 'config.json'), JSON.stringify({ projection_dim: options.projectionDim }));
  return dir;
}
