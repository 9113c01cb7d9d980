// The R4 validation verdict on one resource, shared by the calling thread (resource-validation.ts)
// and the validator worker threads (validation-worker.mjs): the fast path first (it answers only
// when the @medplum/core validator would accept), else that validator's error issues; then the
// required-binding check the medplum validator does not make (required-codes.mjs).
//
// Plain JavaScript because the worker threads load it too.
import { OperationOutcomeError, validateResource } from '@medplum/core';
import { requiredCodeProblems } from './required-codes.mjs';
import { passesFastPath } from './validator-fast-path.mjs';

/**
 * Every error of `resource` against the R4 definitions (empty when valid), each with its message,
 * FHIRPath expression and FHIR issue type. The definitions must be indexed first.
 * @param {unknown} resource
 */
export function r4Problems(resource) {
  return [...structureProblems(resource), ...requiredCodeProblems(resource)];
}

function structureProblems(resource) {
  if (passesFastPath(resource)) return [];
  try {
    validateResource(resource);
    return [];
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return (error.outcome.issue ?? [])
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => ({
        message: i.details?.text ?? i.diagnostics ?? 'invalid',
        ...(i.expression?.[0] ? { expression: i.expression[0] } : {}),
        issueCode: i.code,
      }));
  }
}
