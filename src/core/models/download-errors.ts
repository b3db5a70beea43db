/** Why a model download failed, with a message a user can act on. */
/** 'unverified': the server gave no checksum and the catalogue lists none; 'busy': another download holds the file. */
export type ModelDownloadErrorCode = 'offline' | 'checksum' | 'unverified' | 'disk-full' | 'http' | 'interrupted' | 'busy';

export class ModelDownloadError extends Error {
  override readonly name = 'ModelDownloadError';
  constructor(
    readonly code: ModelDownloadErrorCode,
    message: string,
    /** Worth another attempt (a dropped connection, a 5xx); the retry loop uses it. */
    readonly retryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What to do on a machine that cannot reach the model server. */
export const OFFLINE_ADVICE =
  'On a machine without internet access, copy the model folder (Hugging Face layout, e.g. from `huggingface-cli download`) ' +
  'or a single .onnx file over and import it: `dataset-health models import PATH`, or Import in the app’s Models panel.';

const CONNECT_ERROR_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** The system error code behind a failed fetch (undici wraps it in `cause`), or null. */
export function networkErrorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_ERROR_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
