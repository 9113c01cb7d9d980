import type { Prefix } from './search-values.ts';

/**
 * SQL predicates for prefixed comparisons, following FHIR R4 search 3.1.1.4 ("prefixes"):
 * dates compare ranges (the search value's range against the target's range [lo, hi)), numbers
 * and quantities compare a stored point against the search value and, for eq/ne, its implicit
 * precision range. `ap` (approximately) uses 10% as the spec recommends.
 */
export interface SearchRange {
  readonly lo: string;
  readonly hi: string;
}

/**
 * A range whose bounds become SQL parameters only when a predicate reads them (an unused
 * parameter has no type PostgreSQL can infer, and the statement would fail to prepare).
 */
export function lazyRange(lo: () => string, hi: () => string): SearchRange {
  return {
    get lo() {
      return lo();
    },
    get hi() {
      return hi();
    },
  };
}

/**
 * Target is a range [lo, hi); search value is the range [s.lo, s.hi). Arguments are SQL
 * expressions. Where the rule implies a bound on `hi` that it does not state (every target range
 * is non-empty, so lo >= x implies hi > x), the bound is added so an index on `hi` can serve it.
 */
export function dateRangePredicate(prefix: Prefix, lo: string, hi: string, s: SearchRange, approx: SearchRange): string {
  const contained = () => `(${lo} >= ${s.lo} AND ${hi} <= ${s.hi})`;
  switch (prefix) {
    case 'eq': {
      const sLo = s.lo;
      const sHi = s.hi;
      return `(${hi} > ${sLo} AND ${hi} <= ${sHi} AND ${lo} >= ${sLo})`;
    }
    case 'ne':
      return `NOT ${contained()}`;
    case 'gt':
      return `${hi} > ${s.hi}`;
    case 'lt':
      return `${lo} < ${s.lo}`;
    case 'ge': {
      const sLo = s.lo;
      return `(${hi} > ${sLo} AND (${hi} > ${s.hi} OR (${lo} >= ${sLo} AND ${hi} <= ${s.hi})))`;
    }
    case 'le':
      return `(${lo} < ${s.lo} OR ${contained()})`;
    case 'sa': {
      const sHi = s.hi;
      return `(${hi} > ${sHi} AND ${lo} >= ${sHi})`;
    }
    case 'eb':
      return `${hi} <= ${s.lo}`;
    case 'ap':
      return `(${lo} < ${approx.hi} AND ${hi} > ${approx.lo})`;
  }
}

/** Target is a point `v`; `s` is the search value's precision range, `exact` the value itself. */
export function numberPredicate(prefix: Prefix, v: string, exactValue: () => string, s: SearchRange, approx: SearchRange): string {
  const exact = () => exactValue();
  switch (prefix) {
    case 'eq':
      return `(${v} >= ${s.lo} AND ${v} < ${s.hi})`;
    case 'ne':
      return `NOT (${v} >= ${s.lo} AND ${v} < ${s.hi})`;
    case 'gt':
    case 'sa':
      return `${v} > ${exact()}`;
    case 'lt':
    case 'eb':
      return `${v} < ${exact()}`;
    case 'ge':
      return `${v} >= ${exact()}`;
    case 'le':
      return `${v} <= ${exact()}`;
    case 'ap':
      return `(${v} >= ${approx.lo} AND ${v} <= ${approx.hi})`;
  }
}
