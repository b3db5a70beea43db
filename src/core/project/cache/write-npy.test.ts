import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy, readNpyFile } from '../../dataset/npy.js';
import { encodeNpy, writeNpy } from './write-npy.js';

const dir = mkdtempSync(path.join(tmpdir(), 'write-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeNpy', () => {
  it('round-trips through the project .npy reader, with a 64-byte aligned v1 header', () => {
    const data = Float32Array.from({ length: 14 }, (_, i) => i * 0.5 - 3);
    const file = path.join(dir, 'xy.npy');
    writeNpy(file, data, 7, 2);
    const read = readNpyFile(file);
    expect(read.rows).toBe(7);
    expect(read.cols).toBe(2);
    expect(Array.from(read.data)).toEqual(Array.from(data));

    const bytes = encodeNpy(data, 7, 2);
    expect(bytes[6]).toBe(1);
    const headerEnd = 10 + (bytes[8] as number) + 256 * (bytes[9] as number);
    expect(headerEnd % 64).toBe(0);
    expect(bytes[headerEnd - 1]).toBe(0x0a);
  });

  it('writes empty arrays and views on larger buffers', () => {
    expect(parseNpy(encodeNpy(new Float32Array(0), 0, 2), 'empty.npy')).toMatchObject({ rows: 0, cols: 2 });
    const big = Float32Array.from([9, 9, 1, 2, 3, 4]);
    expect(Array.from(parseNpy(encodeNpy(big.subarray(2), 2, 2), 'view.npy').data)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), 2, 2)).toThrow(/cannot write 5 values as a \[2, 2\] array/);
  });
});
