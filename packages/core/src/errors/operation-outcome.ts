import { errorCodes, isVitaltwinError, type ProblemDetail } from './error-codes.ts';

/** Minimal FHIR R4 OperationOutcome shape (http://hl7.org/fhir/R4/operationoutcome.html). */
export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  details?: { coding?: { system: string; code: string }[]; text?: string };
  diagnostics?: string;
  expression?: string[];
}

/** Code system for Vitaltwin error codes carried in OperationOutcome.issue.details. */
export const errorCodeSystem = 'https://vitaltwin.dev/fhir/CodeSystem/error-code';

/**
 * Turns any thrown value into an OperationOutcome and an HTTP status. Unknown errors become a
 * generic 500 without their message, so no stack trace or PHI is ever echoed.
 */
export function toOperationOutcome(error: unknown): { status: number; outcome: OperationOutcome } {
  if (!isVitaltwinError(error)) {
    return {
      status: 500,
      outcome: outcome('VT_ERR_INTERNAL', 'exception', 'Internal error', []),
    };
  }
  const { httpStatus, fhirIssueCode } = errorCodes[error.code];
  return { status: httpStatus, outcome: outcome(error.code, fhirIssueCode, error.message, error.problems) };
}

function outcome(code: string, issueCode: string, message: string, problems: readonly ProblemDetail[]): OperationOutcome {
  const details = { coding: [{ system: errorCodeSystem, code }] };
  if (problems.length === 0) {
    return {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: issueCode, details: { ...details, text: message }, diagnostics: message }],
    };
  }
  return {
    resourceType: 'OperationOutcome',
    issue: problems.map((p) => ({
      severity: p.severity ?? 'error',
      code: p.issueCode ?? issueCode,
      details: { ...details, text: p.message },
      diagnostics: p.message,
      ...(p.expression ? { expression: [p.expression] } : {}),
    })),
  };
}
