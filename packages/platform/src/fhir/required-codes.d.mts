import type { ProblemDetail } from '@vitaltwin/core';
/** Codes outside their required value sets (see required-codes.mjs). */
export declare function requiredCodeProblems(resource: unknown): ProblemDetail[];
