import { ApiError } from '../../shared/api/errors.js';

/** Thrown when input rows hold NaN or ±Infinity; carries what the engine needs to report an InputProblem. */
export class NonFiniteRowsError extends Error {
  readonly rowCount: number;
  /** 0-based index of the first offending row. */
  readonly firstRow: number;
  constructor(rowCount: number, totalRows: number, firstRow: number) {
    super(
      `${rowCount} of ${totalRows} embedding rows contain NaN or infinite values (first: row ${firstRow}, 0-based); ` +
        'a layout needs finite vectors',
    );
    this.name = 'NonFiniteRowsError';
    this.rowCount = rowCount;
    this.firstRow = firstRow;
  }
}

/** The error a cancelled projection rejects with, the same shape `fetch` and timers use. */
export function createAbortError(reason?: unknown): DOMException {
  const error = new DOMException('Projection cancelled', 'AbortError');
  if (reason !== undefined) Object.defineProperty(error, 'cause', { value: reason });
  return error;
}

export function methodUnavailableError(method: string, available: readonly string[]): ApiError {
  return new ApiError(
    'method-unavailable',
    `Projection method "${method}" is not available yet; available: ${available.join(', ')}`,
  );
}
