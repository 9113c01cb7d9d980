import type { IndexPath } from './search-parameter-registry.ts';

/**
 * Search index rows extracted from one resource, one array per index table (see migration
 * 002_fhir_search.sql). Rows name their FHIRPath branch; the writer maps it to the stored key.
 */
export interface TokenRow {
  readonly path: IndexPath;
  readonly system: string;
  readonly code: string;
}
export interface StringRow {
  readonly path: IndexPath;
  /** Lower-cased, diacritics removed: what default and :contains searches compare. */
  readonly value: string;
  readonly exact: string;
}
export interface DateRow {
  readonly path: IndexPath;
  readonly loMs: number;
  readonly hiMs: number;
}
export interface QuantityRow {
  readonly path: IndexPath;
  readonly value: number;
  readonly system: string;
  readonly code: string;
  readonly canonValue: number | null;
  readonly canonCode: string | null;
}
export interface ReferenceRow {
  readonly path: IndexPath;
  readonly targetType: string;
  readonly targetId: string;
}
export interface NumberRow {
  readonly path: IndexPath;
  readonly value: number;
}
export interface UriRow {
  readonly path: IndexPath;
  readonly value: string;
}
export interface CompositeRow {
  readonly path: IndexPath;
  readonly system1: string;
  readonly code1: string;
  readonly system2: string;
  readonly code2: string;
  readonly value2: number | null;
  readonly canonValue2: number | null;
  readonly canonCode2: string | null;
}

/** A patient series row (series-index.ts): NULL bounds when the resource has no date. */
export interface SeriesRow {
  readonly path: { readonly id: string };
  readonly patient: string;
  readonly system: string;
  readonly code: string;
  readonly loMs: number | null;
  readonly hiMs: number | null;
}

export interface ExtractedIndex {
  readonly token: TokenRow[];
  readonly string: StringRow[];
  readonly date: DateRow[];
  readonly quantity: QuantityRow[];
  readonly reference: ReferenceRow[];
  readonly number: NumberRow[];
  readonly uri: UriRow[];
  readonly composite: CompositeRow[];
  /** Derived from token, date and reference rows (series-index.ts). */
  readonly series: SeriesRow[];
  /** Hash of the primary patient (0: several patients, null: none); see patientKey(). */
  readonly patientKey: number | null;
  /** The patient whose compartment the resource is in (itself for a Patient). */
  readonly patientId: string | null;
}

export function emptyIndex(): ExtractedIndex {
  return {
    token: [],
    string: [],
    date: [],
    quantity: [],
    reference: [],
    number: [],
    uri: [],
    composite: [],
    series: [],
    patientKey: null,
    patientId: null,
  };
}

/**
 * 32-bit FNV-1a hash of a patient id (Fowler-Noll-Vo, IETF draft-eastlake-fnv), as a signed
 * integer for the `pk` column. 0 is reserved for "several patients", so a hash of 0 becomes 1.
 */
export function patientKey(patientId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < patientId.length; i++) {
    h ^= patientId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h === 0 ? 1 : h | 0;
}

/** Lower case without diacritics, as FHIR string search compares by default (R4 search 3.1.1.4.7). */
export function normalizeString(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
