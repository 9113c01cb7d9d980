/**
 * The registry of Vitaltwin error codes. Every error that reaches a user carries one of these codes,
 * so that the HTTP status and the FHIR OperationOutcome issue code are decided in one place
 * (FHIR R4 ValueSet issue-type: http://hl7.org/fhir/R4/valueset-issue-type.html).
 */
export const errorCodes = {
  VT_ERR_INVALID_INPUT: { httpStatus: 400, fhirIssueCode: 'invalid' },
  VT_ERR_VALIDATION: { httpStatus: 422, fhirIssueCode: 'processing' },
  VT_ERR_NOT_FOUND: { httpStatus: 404, fhirIssueCode: 'not-found' },
  VT_ERR_GONE: { httpStatus: 410, fhirIssueCode: 'deleted' },
  VT_ERR_CONFLICT: { httpStatus: 409, fhirIssueCode: 'conflict' },
  VT_ERR_VERSION_CONFLICT: { httpStatus: 412, fhirIssueCode: 'conflict' },
  VT_ERR_MULTIPLE_MATCHES: { httpStatus: 412, fhirIssueCode: 'multiple-matches' },
  VT_ERR_NOT_SUPPORTED: { httpStatus: 400, fhirIssueCode: 'not-supported' },
  VT_ERR_NOT_ACCEPTABLE: { httpStatus: 406, fhirIssueCode: 'not-supported' },
  VT_ERR_UNAUTHENTICATED: { httpStatus: 401, fhirIssueCode: 'login' },
  VT_ERR_FORBIDDEN: { httpStatus: 403, fhirIssueCode: 'forbidden' },
  VT_ERR_TOO_LARGE: { httpStatus: 413, fhirIssueCode: 'too-costly' },
  VT_ERR_TOO_COSTLY: { httpStatus: 400, fhirIssueCode: 'too-costly' },
  VT_ERR_RATE_LIMITED: { httpStatus: 429, fhirIssueCode: 'throttled' },
  VT_ERR_CONFIG: { httpStatus: 500, fhirIssueCode: 'exception' },
  VT_ERR_STORAGE: { httpStatus: 503, fhirIssueCode: 'transient' },
  VT_ERR_INTERNAL: { httpStatus: 500, fhirIssueCode: 'exception' },
} as const satisfies Record<string, { httpStatus: number; fhirIssueCode: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** One problem with the input, located by a FHIRPath-style or JSON path expression. */
export interface ProblemDetail {
  readonly message: string;
  /** FHIRPath expression (FHIR resources) or JSON path (other documents), e.g. `Patient.birthDate`. */
  readonly expression?: string;
  readonly severity?: 'error' | 'warning' | 'information';
  /**
   * FHIR issue type (http://hl7.org/fhir/R4/valueset-issue-type.html) when this problem is more
   * specific than the error code's (e.g. `required`, `structure`, `invariant`).
   */
  readonly issueCode?: string;
}

/**
 * An error meant for a user: a registry code, a message free of PHI, and the problems it lists.
 * Everything else thrown is treated as an internal error and never shown verbatim.
 */
export class VitaltwinError extends Error {
  readonly code: ErrorCode;
  readonly problems: readonly ProblemDetail[];

  constructor(code: ErrorCode, message: string, problems: readonly ProblemDetail[] = []) {
    super(message);
    this.name = 'VitaltwinError';
    this.code = code;
    this.problems = problems;
  }

  get httpStatus(): number {
    return errorCodes[this.code].httpStatus;
  }
}

export function isVitaltwinError(e: unknown): e is VitaltwinError {
  return e instanceof VitaltwinError;
}
