/**
 * Which installed precision of a model to load. Kept in one small function so the rule can follow the providers
 * module (which knows which providers run fp16 fast) without touching the resolver.
 */
import type { ModelPrecision } from '../../shared/model/models.js';
import { DEFAULT_EXECUTION_PROVIDERS } from '../embed/providers.js';

/** GPU providers run fp16 at about twice the speed of fp32; the CPU provider does not. */
export function prefersFp16(provider: string): boolean {
  return provider !== 'cpu';
}

/** fp16 when the first provider asked for prefers it and the fp16 files are installed; otherwise fp32 when installed. */
export function choosePrecision(installed: readonly ModelPrecision[], providers: readonly string[] = DEFAULT_EXECUTION_PROVIDERS): ModelPrecision | null {
  const first = providers[0];
  if (first !== undefined && prefersFp16(first) && installed.includes('fp16')) return 'fp16';
  if (installed.includes('fp32')) return 'fp32';
  return installed[0] ?? null;
}
