/**
 * Writes a float32 matrix as a NumPy `.npy` file (format 1.0, little-endian '<f4', C order): what
 * `dataset-health project --out` produces and `readNpyFile` (src/core/dataset/npy.ts) reads back.
 */
import { writeFileSync } from 'node:fs';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** The format requires magic + version + length + header to be a multiple of 64 bytes (so data is aligned). */
const HEADER_ALIGNMENT = 64;
const PREAMBLE_BYTES = 10;

/** The bytes of a `.npy` v1 file holding `data` as a [rows, cols] float32 array. */
export function encodeNpy(data: Float32Array, rows: number, cols: number): Uint8Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || rows * cols !== data.length) {
    throw new RangeError(`cannot write ${data.length} values as a [${rows}, ${cols}] array`);
  }
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const padded = Math.ceil((PREAMBLE_BYTES + header.length + 1) / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  header = header.padEnd(padded - PREAMBLE_BYTES - 1, ' ') + '\n';
  const bytes = new Uint8Array(PREAMBLE_BYTES + header.length + data.byteLength);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let c = 0; c < header.length; c++) bytes[PREAMBLE_BYTES + c] = header.charCodeAt(c);
  // Typed arrays use the host byte order, little-endian on every platform we ship (as the reader assumes).
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), PREAMBLE_BYTES + header.length);
  return bytes;
}

export function writeNpy(filePath: string, data: Float32Array, rows: number, cols: number): void {
  writeFileSync(filePath, encodeNpy(data, rows, cols));
}
