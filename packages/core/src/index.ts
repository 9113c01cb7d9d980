export type { ErrorCode, ProblemDetail } from './errors/error-codes.ts';
export { errorCodes, isVitaltwinError, VitaltwinError } from './errors/error-codes.ts';
export type { OperationOutcome, OperationOutcomeIssue } from './errors/operation-outcome.ts';
export { errorCodeSystem, toOperationOutcome } from './errors/operation-outcome.ts';
export type { Clock } from './ports/clock.ts';
export type { Logger } from './ports/logger.ts';
