import type { ProblemDetail } from '@vitaltwin/core';
/** Every error of `resource` against the R4 definitions, empty when valid (see r4-problems.mjs). */
export declare function r4Problems(resource: unknown): ProblemDetail[];
