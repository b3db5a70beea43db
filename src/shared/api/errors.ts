/** Errors cross every transport as this plain envelope and are rebuilt as ApiError on the client. */
export interface ErrorEnvelope {
  code: string;
  message: string;
  /** File the error is about, when there is one. */
  file?: string;
}

export class ApiError extends Error {
  readonly code: string;
  readonly file?: string;
  constructor(code: string, message: string, file?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    if (file !== undefined) this.file = file;
  }
}

export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof ApiError) {
    return err.file === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, file: err.file };
  }
  if (err instanceof Error) return { code: 'internal', message: err.message };
  return { code: 'internal', message: String(err) };
}

export function fromErrorEnvelope(env: ErrorEnvelope): ApiError {
  return new ApiError(env.code, env.message, env.file);
}
