import { ApiError } from '../../../shared/api/errors';

/** One line for the user: the message, and the file it is about when the engine named one. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError && err.file !== undefined && !err.message.includes(err.file)) {
    return `${err.message} (${err.file})`;
  }
  return err instanceof Error ? err.message : String(err);
}
