import { expect } from 'vitest';
import { ApiError } from '../../src/shared/api/errors.js';

/** The ApiError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejectedApiError(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}
