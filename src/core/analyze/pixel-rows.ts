import { QUALITY_STATS_DIM } from '../health/index.js';

/** sha1 of the decoded pixels. */
export const PIXEL_HASH_BYTES = 20;

/**
 * One stored row of per-image pixel facts: the quality stats followed by the pixel hash's 20 bytes, copied bit for
 * bit into the row's last 5 float slots (through a byte view, never as numbers, so no value is altered).
 */
export function pixelRow(stats: Float32Array, hashHex: string): Float32Array {
  const row = new Float32Array(QUALITY_STATS_DIM + PIXEL_HASH_BYTES / 4);
  row.set(stats.subarray(0, QUALITY_STATS_DIM));
  new Uint8Array(row.buffer, QUALITY_STATS_DIM * 4, PIXEL_HASH_BYTES).set(Buffer.from(hashHex, 'hex'));
  return row;
}

export function readPixelRow(row: Float32Array): { stats: Float32Array; hash: string } {
  const bytes = new Uint8Array(row.buffer, row.byteOffset + QUALITY_STATS_DIM * 4, PIXEL_HASH_BYTES);
  return { stats: row.subarray(0, QUALITY_STATS_DIM), hash: Buffer.from(bytes).toString('hex') };
}
