/** Process exit codes of the `vitaltwin` command. */
export const exitCodes = { ok: 0, runtimeFailure: 1, usage: 2 } as const;

/** A mistake in how the command was called (bad flag value, missing file argument): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
