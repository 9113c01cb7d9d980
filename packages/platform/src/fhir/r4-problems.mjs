// The R4 validation verdict on one resource, shared by the calling thread (resource-validation.ts)
// and the validator worker threads (validation-worker.mjs): the fast path first (it answers only
// when the @medplum/core validator would accept), else that validator's error issues; then the
// value rules the medplum validator does not check (value-rules.mjs: required bindings, calendar dates).
//
// Plain JavaScript because the worker threads load it too.
import { OperationOutcomeError, validateResource } from '@medplum/core';
import { passesFastPath } from './validator-fast-path.mjs';
import { valueRuleProblems } from './value-rules.mjs';

/**
 * Every error of `resource` against the R4 definitions (empty when valid), each with its message,
 * FHIRPath expression and FHIR issue type. The definitions must be indexed first.
 * @param {unknown} resource
 */
export function r4Problems(resource) {
  return [...structureProblems(resource), ...valueRuleProblems(resource)];
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
