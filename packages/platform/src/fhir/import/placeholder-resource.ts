import type { Resource } from '@medplum/fhirtypes';
import { identifierCriteria } from './identifier-criteria.ts';
import { nameBasedUuid } from './stable-id.ts';

/**
 * Stand-ins for the targets of conditional references that match nothing (import option
 * `unresolved: 'placeholder'`). Synthea v3 patient bundles reference practitioners and
 * organizations as `Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999139196`, and those
 * live in separate files a user may not have. A placeholder holds only the identifier and a tag
 * saying what it is; its id is derived from the reference, so every import makes the same one. A
 * later conditional create of the real resource (Synthea's `ifNoneExist`) fills it in place.
 */
export const importTagSystem = 'https://vitaltwin.dev/fhir/CodeSystem/import';
export const placeholderTag = {
  system: importTagSystem,
  code: 'placeholder',
  display: 'Stand-in for an unresolved conditional reference, created by vitaltwin import',
} as const;

/** The placeholder for `Type?identifier=system|value`; undefined for any other criteria. */
export function placeholderFor(resourceType: string, criteria: string): (Resource & { id: string }) | undefined {
  const c = identifierCriteria(criteria);
  if (c === undefined) return undefined;
  return {
    resourceType,
    id: nameBasedUuid(`placeholder:${resourceType}?${criteria}`),
    meta: { tag: [{ ...placeholderTag }] },
    identifier: [{ ...(c.system !== '' ? { system: c.system } : {}), value: c.value }],
  } as Resource & { id: string };
}

export function isPlaceholder(resource: Resource | undefined): boolean {
  return resource?.meta?.tag?.some((t) => t.system === importTagSystem && t.code === 'placeholder') ?? false;
}
