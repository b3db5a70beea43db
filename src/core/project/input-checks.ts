import { NonFiniteRowsError } from './errors.js';
import type { ProjectionInput } from './types.js';

export function assertInputShape({ data, rows, cols }: ProjectionInput): void {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`cols must be a non-negative integer, got ${cols}`);
  if (rows > 0 && cols === 0) throw new RangeError(`cannot lay out ${rows} rows of zero-length vectors`);
  if (data.length !== rows * cols) {
    throw new RangeError(`data has ${data.length} values, expected rows*cols = ${rows}*${cols} = ${rows * cols}`);
  }
}

/** Throws NonFiniteRowsError naming how many rows hold NaN/±Infinity and the first one. */
export function assertFiniteRows({ data, rows, cols }: ProjectionInput): void {
  let badRows = 0;
  let firstBadRow = -1;
  for (let row = 0; row < rows; row++) {
    const end = (row + 1) * cols;
    for (let i = row * cols; i < end; i++) {
      // Number.isFinite is slower here than the x - x trick: NaN and ±Infinity are the only values where it is not 0.
      const value = data[i] as number;
      if (value - value !== 0) {
        badRows++;
        if (firstBadRow < 0) firstBadRow = row;
        break;
      }
    }
  }
  if (badRows > 0) throw new NonFiniteRowsError(badRows, rows, firstBadRow);
}
