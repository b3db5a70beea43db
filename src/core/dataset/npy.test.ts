import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NpyFormatError, parseNpy, readNpyFile } from './npy.js';
import { FMNIST_10K_DIR, HAS_FMNIST_10K } from '../../../test/fixtures/shared-datasets.js';

/** Writes .npy bytes the way numpy does: magic, version, header length, a dict padded to 64 bytes, data. */
function npy(options: { descr?: string; fortran?: boolean; shape?: string; data: ArrayBufferView; version?: 1 | 2 | 3 }): Uint8Array {
  const { descr = '<f4', fortran = false, shape, data, version = 1 } = options;
  const prefixBytes = version === 1 ? 10 : 12;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape}), }`;
  header += ' '.repeat(63 - ((prefixBytes + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(prefixBytes + header.length + data.byteLength);
  out.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(Array.from(header, (c) => c.charCodeAt(0)), prefixBytes);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefixBytes + header.length);
  return out;
}

const values = Float32Array.from([1.5, -2, 3.25, 0, 1e-3, 7]);

describe('parseNpy', () => {
  it.each([1, 2, 3] as const)('reads a float32 [2, 3] array in format v%d', (version) => {
    expect(parseNpy(npy({ shape: '2, 3', data: values, version }), 'e.npy')).toEqual({ rows: 2, cols: 3, data: values });
  });

  it('converts float64 to float32', () => {
    const result = parseNpy(npy({ descr: '<f8', shape: '3, 2', data: Float64Array.from(values) }), 'e.npy');
    expect(result).toEqual({ rows: 3, cols: 2, data: values });
  });

  it('reads from a Node Buffer whose data is not 4-byte aligned', () => {
    const bytes = npy({ shape: '2, 3', data: values });
    const padded = Buffer.alloc(bytes.length + 1);
    padded.set(bytes, 1);
    expect(parseNpy(padded.subarray(1), 'e.npy').data).toEqual(values);
  });

  it.each([
    ['not-npy', () => new TextEncoder().encode('PK\x03\x04 a zip file'), /e\.npy: is not a NumPy \.npy file/],
    ['unsupported-dtype', () => npy({ descr: '<i4', shape: '2, 3', data: new Int32Array(6) }), /dtype '<i4'/],
    ['unsupported-dtype', () => npy({ descr: '>f4', shape: '2, 3', data: values }), /dtype '>f4'/],
    ['fortran-order', () => npy({ fortran: true, shape: '2, 3', data: values }), /Fortran/],
    ['not-2d', () => npy({ shape: '6,', data: values }), /shape \(6,\)/],
    ['not-2d', () => npy({ shape: '1, 2, 3', data: values }), /shape \(1, 2, 3\)/],
    ['truncated-npy', () => npy({ shape: '2, 3', data: values }).subarray(0, -4), /needs 24 data bytes, the file has 20/],
    ['truncated-npy', () => npy({ shape: '2, 3', data: values }).subarray(0, 40), /truncated inside its header/],
    ['trailing-data', () => npy({ shape: '1, 3', data: values }), /12 bytes after the \[1, 3\] array/],
  ])('refuses %s with a precise message naming the file', (code, make, message) => {
    let error: unknown;
    try {
      parseNpy(make(), 'e.npy');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NpyFormatError);
    expect(error).toMatchObject({ code, file: 'e.npy', message: expect.stringMatching(message) });
    expect((error as NpyFormatError).toProblem()).toMatchObject({ file: 'e.npy', kind: code });
  });
});

describe('readNpyFile', () => {
  it.skipIf(!HAS_FMNIST_10K)('reads the Fashion-MNIST PCA embeddings: float32 [10000, 64]', () => {
    const matrix = readNpyFile(path.join(FMNIST_10K_DIR, 'embeddings/pixels-pca64.npy'));
    expect(matrix.rows).toBe(10_000);
    expect(matrix.cols).toBe(64);
    expect(matrix.data).toHaveLength(640_000);
    expect(matrix.data.every(Number.isFinite)).toBe(true);
    // First and last values as Python's struct module reads them at the data offset (10 + header length).
    expect(Array.from(matrix.data.subarray(0, 4))).toEqual([-5.833444595336914, 2.5702123641967773, -1.0541383028030396, 0.2971360683441162]);
    expect(matrix.data[639_999]).toBe(0.11900729686021805);
  });

  it('reports a missing file as unreadable', () => {
    expect(() => readNpyFile('/nonexistent/e.npy', 'e.npy')).toThrow(expect.objectContaining({ code: 'unreadable-file', file: 'e.npy' }));
  });
});
