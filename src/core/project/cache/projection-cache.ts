/**
 * Finished 2-D layouts on disk, one file per key (projectionCacheKey): `<dir>/<key>.xy`. A file is an 8-byte
 * magic "DHXYv001", the point count (uint32 LE), 4 reserved bytes, the sha256 of the coordinate bytes, then
 * 2·count float32 LE. Anything that does not check out (short, long, wrong magic, wrong digest) is a miss, never
 * an error: the caller recomputes and overwrites it. Writes go to a temp file renamed into place, so a reader
 * never sees half a file and a crash mid-write leaves at most a stray temp file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MAGIC = 'DHXYv001';
const HEADER_BYTES = 8 + 4 + 4 + 32;
const KEY_PATTERN = /^[0-9a-f]{64}$/;

export class ProjectionCache {
  constructor(readonly dir: string) {}

  /** The cached layout, or null when there is none or the file is damaged. */
  get(key: string): Float32Array | null {
    const file = this.fileFor(key);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return null;
    }
    if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 8) !== MAGIC) return null;
    const count = bytes.readUInt32LE(8);
    if (bytes.length !== HEADER_BYTES + 8 * count) return null;
    const payload = bytes.subarray(HEADER_BYTES);
    if (!createHash('sha256').update(payload).digest().equals(bytes.subarray(16, HEADER_BYTES))) return null;
    // Copy: the file buffer's offset need not be 4-byte aligned, and the caller keeps the array.
    const xy = new Float32Array(2 * count);
    new Uint8Array(xy.buffer).set(payload);
    return xy;
  }

  set(key: string, xy: Float32Array): void {
    if (xy.length % 2 !== 0) throw new RangeError(`a layout has an even number of values, got ${xy.length}`);
    const file = this.fileFor(key);
    mkdirSync(this.dir, { recursive: true });
    const payload = new Uint8Array(xy.buffer, xy.byteOffset, xy.byteLength);
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(xy.length / 2, 8);
    createHash('sha256').update(payload).digest().copy(header, 16);
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, Buffer.concat([header, payload]));
      renameSync(temp, file);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
  }

  private fileFor(key: string): string {
    // Keys come from projectionCacheKey; anything else could name a path outside the cache folder.
    if (!KEY_PATTERN.test(key)) throw new RangeError(`not a projection cache key: '${key}'`);
    return path.join(this.dir, `${key}.xy`);
  }
}
