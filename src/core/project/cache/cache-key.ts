import { createHash } from 'node:crypto';
import type { LayoutMethod } from '../../../shared/model/dataset.js';
import type { ProjectionInput, ProjectionParams } from '../types.js';

export interface ProjectionCacheKeyInput extends ProjectionInput {
  method: LayoutMethod;
  params: ProjectionParams;
}

/**
 * sha256 (hex) of: sha256 of the embedding bytes, the method, the parameters as canonical JSON (keys sorted,
 * undefined dropped), the row count and the dimension count. Parameters are keyed as given: `{}` and
 * `{ seed: 42 }` give different keys although they lay out alike, which only costs a recomputation.
 */
export function projectionCacheKey({ data, rows, cols, method, params }: ProjectionCacheKeyInput): string {
  const embeddingsHash = createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
  const fields = JSON.stringify([embeddingsHash, method, canonicalJson(params), rows, cols]);
  return createHash('sha256').update(fields).digest('hex');
}

/** JSON with object keys sorted at every level and undefined members dropped, so equal objects give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
