import { isVitaltwinError } from '@vitaltwin/core';
import { CommanderError } from 'commander';
import { exitCodes, UsageError } from './exit-codes.ts';

/**
 * Turns any failure into one clear line on stderr and the right exit code: usage mistakes and bad
 * configuration exit 2, runtime failures exit 1. The stack trace is printed only with --verbose.
 */
export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (unknown option, missing argument, --help).
    return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  }
  const usage =
    error instanceof UsageError || (isVitaltwinError(error) && (error.code === 'VT_ERR_CONFIG' || error.code === 'VT_ERR_INVALID_INPUT'));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`vitaltwin: ${message}\n`);
  if (isVitaltwinError(error)) {
    for (const p of error.problems) process.stderr.write(`  ${p.expression ? `${p.expression}: ` : ''}${p.message}\n`);
  }
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return usage ? exitCodes.usage : exitCodes.runtimeFailure;
}
