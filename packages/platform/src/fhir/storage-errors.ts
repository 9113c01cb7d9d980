import { isVitaltwinError, VitaltwinError } from '@vitaltwin/core';

/**
 * Database errors as user-facing errors. Driver errors carry the statement and its parameters
 * (PHI), so they never travel further than here: a unique violation becomes a 409 (two writers
 * raced to create the same id), a serialization failure or deadlock a 409 the client may retry, a
 * data exception a 400, anything else a plain error with the SQLSTATE and the message (500, logged
 * without statement or parameters).
 */
export function storageError(error: unknown): Error {
  if (isVitaltwinError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code === '23505') return new VitaltwinError('VT_ERR_CONFLICT', 'the resource was created concurrently; retry the request');
  if (code === '40001' || code === '40P01')
    return new VitaltwinError('VT_ERR_CONFLICT', 'the write conflicted with a concurrent one; retry the request');
  // A bounded statement (a search) ran past the statement time limit (sql-client.ts QueryOptions.bounded).
  if (code === '57014')
    return new VitaltwinError(
      'VT_ERR_TOO_COSTLY',
      'the search ran past the time limit and was stopped; narrow it (a patient, a code, a date range) or ask for _total=none',
    );
  // Data exceptions (SQLSTATE class 22: a value out of range, a NUL character, a malformed number)
  // are the request's values meeting what the store can hold: the client's to correct (400). Their
  // messages quote the offending value, so only the SQLSTATE is told.
  if (typeof code === 'string' && code.startsWith('22'))
    return new VitaltwinError(
      'VT_ERR_INVALID_INPUT',
      `a value in the request is outside what the store can hold or compare (SQLSTATE ${code})`,
    );
  // Other messages name only schema objects.
  const message = typeof code === 'string' ? `: ${(error as Error).message}` : '';
  return new Error(`database error${typeof code === 'string' ? ` ${code}` : ''}${message}`);
}

/** Runs `work`, translating database errors with storageError. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storageError(error);
  }
}
