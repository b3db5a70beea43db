/**
 * Test helper: one-op "text towers" whose signature an exporter might produce but the runtime does not run (an
 * output named `embedding`, a float16 `text_embeds`), to test that import refuses what the text side refuses.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { attr, GraphBuilder, tensorValueInfo, type FloatPrecision } from '../../../../scripts/onnx/graph-builder.js';
import { encodeModel, OnnxDataType } from '../../../../scripts/onnx/onnx-proto.js';

export interface OddTextModelSpec {
  outputName: string;
  outputType: FloatPrecision;
}

/** `input_ids` int64 [batch, sequence] cast to `outputName` [batch, sequence]. */
export async function writeOddTextModel(path: string, spec: OddTextModelSpec): Promise<string> {
  const g = new GraphBuilder('float32');
  g.reserve('input_ids');
  const to = spec.outputType === 'float16' ? OnnxDataType.FLOAT16 : OnnxDataType.FLOAT;
  g.node('Cast', ['input_ids'], [attr.int('to', to)], 'cast', spec.outputName);
  const shape = ['batch', 'sequence'];
  const graph = g.toGraph('odd-text', [tensorValueInfo('input_ids', 'int64', shape)], [tensorValueInfo(spec.outputName, spec.outputType, shape)]);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeModel({ ir_version: 8, producer_name: 'test', producer_version: '1', opset_import: [{ domain: '', version: 18 }], graph }));
  return path;
}
