import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/api/errors.js';
import type { InputProblem } from '../../shared/model/dataset.js';

/** A 2-D float matrix in row-major order. */
export interface NpyMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** Why an .npy file was refused; `code` doubles as the InputProblem kind. */
export class NpyFormatError extends ApiError {
  constructor(code: string, message: string, file: string) {
    super(code, `${file}: ${message}`, file);
    this.name = 'NpyFormatError';
  }

  toProblem(): InputProblem {
    return { file: this.file ?? '', kind: this.code, message: this.message };
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const BYTES_PER_DTYPE: Record<string, 4 | 8> = { '<f4': 4, '<f8': 8 };

/** Reads a `.npy` file (format v1, v2 or v3) holding a C-order 2-D little-endian float32 or float64 array. */
export function readNpyFile(filePath: string, displayName = filePath): NpyMatrix {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(filePath);
  } catch (err) {
    throw new NpyFormatError('unreadable-file', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, displayName);
  }
  return parseNpy(bytes, displayName);
}

/** Parses `.npy` bytes; float64 data is converted to float32. Throws NpyFormatError naming `file`. */
export function parseNpy(bytes: Uint8Array, file: string): NpyMatrix {
  const fail = (code: string, message: string): never => {
    throw new NpyFormatError(code, message, file);
  };
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) fail('not-npy', 'is not a NumPy .npy file (bad magic bytes)');

  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerBytes: number;
  if (major === 1) {
    headerStart = 10;
    headerBytes = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated-npy', 'is truncated inside its header');
    headerStart = 12;
    headerBytes = view.getUint32(8, true);
  } else {
    return fail('unsupported-npy-version', `uses .npy format version ${major}.${bytes[7]}; versions 1, 2 and 3 are supported`);
  }
  const dataStart = headerStart + headerBytes;
  if (bytes.length < dataStart) fail('truncated-npy', 'is truncated inside its header');
  // v1/v2 headers are latin1, v3 is utf8; the fields we read are ASCII either way.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail('bad-npy-header', `has an unreadable header: ${header.trim()}`);
  }
  const itemBytes = BYTES_PER_DTYPE[descr];
  if (itemBytes === undefined) return fail('unsupported-dtype', `has dtype '${descr}'; only little-endian float32 ('<f4') and float64 ('<f8') are supported`);
  if (fortran === 'True') fail('fortran-order', 'is stored in Fortran (column-major) order; save it with C order (np.ascontiguousarray)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.length !== 2 || !shape.every((n) => Number.isInteger(n) && n >= 0)) {
    return fail('not-2d', `has shape (${shapeText.trim()}); a 2-D array [images, dimensions] is required`);
  }
  const [rows, cols] = shape as [number, number];

  const expectedBytes = rows * cols * itemBytes;
  const available = bytes.length - dataStart;
  if (available < expectedBytes) fail('truncated-npy', `is truncated: shape [${rows}, ${cols}] needs ${expectedBytes} data bytes, the file has ${available}`);
  if (available > expectedBytes) fail('trailing-data', `has ${available - expectedBytes} bytes after the [${rows}, ${cols}] array; it is not a plain .npy array`);

  // Copy out of the file buffer: its offset need not be aligned for a typed-array view, and callers keep the result.
  // (Not `bytes.slice`: on a Node Buffer that is a view.) Typed arrays use the host's byte order: little-endian on
  // every platform we ship.
  const dataBytes = new Uint8Array(expectedBytes);
  dataBytes.set(bytes.subarray(dataStart, dataStart + expectedBytes));
  const data = itemBytes === 4 ? new Float32Array(dataBytes.buffer) : Float32Array.from(new Float64Array(dataBytes.buffer));
  return { rows, cols, data };
}
