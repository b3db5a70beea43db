/** Which installed precision of a model to load: the providers module knows which providers run fp16 fast. */
import type { ModelPrecision } from '../../shared/model/models.js';
import { prefersFp16 } from '../embed/providers.js';

/**
 * fp16 when the first provider asked for prefers it and the fp16 files are installed; otherwise fp32 when
 * installed. With no providers named, fp32: it runs well everywhere.
 */
export function choosePrecision(installed: readonly ModelPrecision[], providers: readonly string[] = []): ModelPrecision | null {
  const first = providers[0];
  if (first !== undefined && prefersFp16(first) && installed.includes('fp16')) return 'fp16';
  if (installed.includes('fp32')) return 'fp32';
  return installed[0] ?? null;
}
