/**
 * Test helper: Hugging Face-layout model folders with the tiny generated towers (optimum's signatures), with or
 * without a text tower, tokenizer and config, to test what import accepts and what it says.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTinyClipModel, writeTinyClipTextModel } from '../../../../test/fixtures/models/tiny-clip.js';
import { clipBpeVocabularyPath } from '../../resources.js';
import { formatMergesText, readBpeTables } from '../../text/bpe-files.js';

export interface ModelFolderOptions {
  tokenizer?: 'merges.txt' | 'tokenizer.json' | 'none';
  text?: boolean;
  /** projection_dim written to config.json; omitted: no config.json. */
  projectionDim?: number;
  seed?: number;
}

/** Writes `<dir>/onnx/vision_model.onnx` (+ text tower, tokenizer file, configs as asked). */
export async function writeModelFolder(dir: string, options: ModelFolderOptions = {}): Promise<string> {
  const seed = options.seed ?? 1;
  await writeTinyClipModel(join(dir, 'onnx', 'vision_model.onnx'), { precision: 'fp32', seed });
  if (options.text ?? true) await writeTinyClipTextModel(join(dir, 'onnx', 'text_model.onnx'), { precision: 'fp32', seed });
  const tokenizer = options.tokenizer ?? 'merges.txt';
  if (tokenizer === 'merges.txt') await writeFile(join(dir, 'merges.txt'), formatMergesText((await readBpeTables(clipBpeVocabularyPath())).merges));
  // Import only checks that a tokenizer file is there; the text side parses it.
  if (tokenizer === 'tokenizer.json') await writeFile(join(dir, 'tokenizer.json'), '{"model":{"type":"BPE"}}');
  await writeFile(join(dir, 'preprocessor_config.json'), '{"crop_size": 224}');
  if (options.projectionDim !== undefined) await writeFile(join(dir, 'config.json'), JSON.stringify({ projection_dim: options.projectionDim }));
  return dir;
}
