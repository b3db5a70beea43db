/**
 * Test helper: Hugging Face-layout model folders built from tiny generated towers: the tiny CLIP vision tower
 * (optimum's signature) and a one-op text tower with optimum's text signature (`input_ids` + `attention_mask`
 * int64 -> `text_embeds` [batch, 512]). The text tower computes nothing meaningful; import only checks signatures.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { attr, GraphBuilder, tensorValueInfo } from '../../../../scripts/onnx/graph-builder.js';
import { encodeModel, OnnxDataType, type ValueInfoMessage } from '../../../../scripts/onnx/onnx-proto.js';
import { writeTinyClipModel } from '../../../../test/fixtures/models/tiny-clip.js';

const int64Input = (name: string): ValueInfoMessage => ({
  name,
  type: { tensor_type: { elem_type: OnnxDataType.INT64, shape: { dim: [{ dim_param: 'batch_size' }, { dim_param: 'sequence_length' }] } } },
});

export async function writeTinyTextTower(path: string, dim = 512): Promise<string> {
  const g = new GraphBuilder('float32');
  g.reserve('input_ids');
  g.reserve('attention_mask');
  const ids = g.node('Cast', ['input_ids'], [attr.int('to', OnnxDataType.FLOAT)], 'ids/cast');
  const mask = g.node('Cast', ['attention_mask'], [attr.int('to', OnnxDataType.FLOAT)], 'mask/cast');
  const masked = g.node('Mul', [ids, mask], [], 'masked');
  const mean = g.node('ReduceMean', [masked, g.int64('axes', [1])], [attr.int('keepdims', 1)], 'mean');
  g.node('MatMul', [mean, g.weight('projection', [1, dim], new Float32Array(dim).fill(0.01))], [], 'project', 'text_embeds');
  const graph = g.toGraph('tiny_text', [int64Input('input_ids'), int64Input('attention_mask')], [tensorValueInfo('text_embeds', 'float32', ['batch_size', dim])]);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeModel({ ir_version: 8, producer_name: 'test', producer_version: '1', opset_import: [{ domain: '', version: 18 }], graph }));
  return path;
}

export interface ModelFolderOptions {
  tokenizer?: 'tokenizer.json' | 'vocab+merges' | 'none';
  text?: boolean;
  /** projection_dim written to config.json; omitted: no config.json. */
  projectionDim?: number;
  seed?: number;
}

/** Writes `<dir>/onnx/vision_model.onnx` (+ text tower, tokenizer files, configs as asked). */
export async function writeModelFolder(dir: string, options: ModelFolderOptions = {}): Promise<string> {
  await writeTinyClipModel(join(dir, 'onnx', 'vision_model.onnx'), { precision: 'fp32', seed: options.seed ?? 1 });
  if (options.text ?? true) await writeTinyTextTower(join(dir, 'onnx', 'text_model.onnx'));
  const tokenizer = options.tokenizer ?? 'tokenizer.json';
  if (tokenizer === 'tokenizer.json') await writeFile(join(dir, 'tokenizer.json'), '{"model":{"type":"BPE"}}');
  if (tokenizer === 'vocab+merges') {
    await writeFile(join(dir, 'vocab.json'), '{"a</w>": 0}');
    await writeFile(join(dir, 'merges.txt'), '#version: 0.2\n');
  }
  await writeFile(join(dir, 'preprocessor_config.json'), '{"crop_size": 224}');
  if (options.projectionDim !== undefined) await writeFile(join(dir, 'config.json'), JSON.stringify({ projection_dim: options.projectionDim }));
  return dir;
}
