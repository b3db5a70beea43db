/** An image file that could not be read or decoded. The message always names the file. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';

  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot decode image ${file}: ${reason}`, options);
  }
}

/** Wraps any failure of reading/decoding `file` as an ImageDecodeError (kept as is when it already is one). */
export function asImageDecodeError(file: string, error: unknown): ImageDecodeError {
  if (error instanceof ImageDecodeError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ImageDecodeError(file, reason, { cause: error });
}
