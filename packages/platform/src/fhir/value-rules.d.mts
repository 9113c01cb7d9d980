import type { ProblemDetail } from '@vitaltwin/core';
/** Codes outside their required value sets and dates the calendar does not have (see value-rules.mjs). */
export declare function valueRuleProblems(resource: unknown): ProblemDetail[];
