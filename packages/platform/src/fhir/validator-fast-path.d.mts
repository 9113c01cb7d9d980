/** True when the @medplum/core validator is certain to accept `resource` (see validator-fast-path.mjs). */
export declare function passesFastPath(resource: unknown): boolean;
/** Invariant expressions that hold when every element of one alternative is absent (see validator-fast-path.mjs). */
export declare const holdsWithout: ReadonlyMap<string, readonly (readonly string[])[]>;
/** Whether `object` has no element `name` (no `name`, `_name` or choice `nameType` key). */
export declare function lacksElement(object: Record<string, unknown>, name: string): boolean;
