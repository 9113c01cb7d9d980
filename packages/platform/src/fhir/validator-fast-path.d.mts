/** True when the @medplum/core validator is certain to accept `resource` (see validator-fast-path.mjs). */
export declare function passesFastPath(resource: unknown): boolean;
