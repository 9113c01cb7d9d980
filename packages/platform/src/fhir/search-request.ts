/**
 * A FHIR R4 search request (R4 search.html) parsed from its query string, before it meets the
 * search model: parameters with their modifiers and comma-separated values (OR), and the result
 * parameters (_count, _offset, _sort, _summary, _elements, _total, _include, _revinclude).
 * Repeating a parameter ANDs it (R4 3.1.1.1 "AND"), commas OR its values; `\,` is a literal comma.
 */
export interface SearchParamClause {
  readonly code: string;
  readonly modifier?: string;
  /** Values in OR, unescaped. */
  readonly values: readonly string[];
  /** As written, e.g. `date=ge2020`, for messages and links. */
  readonly raw: string;
}

export interface SortKey {
  readonly code: string;
  readonly descending: boolean;
}

export interface IncludeSpec {
  readonly sourceType: string;
  readonly param: string;
  readonly targetType?: string;
  readonly iterate: boolean;
  readonly raw: string;
}

export type SummaryMode = 'true' | 'false' | 'count' | 'text' | 'data';
export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchRequest {
  readonly resourceType: string;
  readonly clauses: readonly SearchParamClause[];
  readonly count: number;
  readonly offset: number;
  readonly sort: readonly SortKey[];
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
  readonly total: TotalMode;
  readonly include: readonly IncludeSpec[];
  readonly revinclude: readonly IncludeSpec[];
  /** Problems found while parsing (bad _count, malformed _include ...), reported as warnings or errors. */
  readonly problems: readonly string[];
}

export const defaultPageSize = 20;
export const maxPageSize = 1000;
/** The largest `_offset`: the statement's OFFSET parameter is a 32-bit integer. */
export const maxOffset = 2_147_483_647;

/** Result and control parameters, not filters (R4 3.1.1.5 "Modifying Search Results"). */
const controlParams = new Set([
  '_count',
  '_offset',
  '_sort',
  '_summary',
  '_elements',
  '_total',
  '_include',
  '_revinclude',
  '_format',
  '_pretty',
]);

export function parseSearchRequest(resourceType: string, query: URLSearchParams | Iterable<[string, string]>): SearchRequest {
  const clauses: SearchParamClause[] = [];
  const problems: string[] = [];
  const sort: SortKey[] = [];
  const include: IncludeSpec[] = [];
  const revinclude: IncludeSpec[] = [];
  let count = defaultPageSize;
  let offset = 0;
  let summary: SummaryMode | undefined;
  let elements: string[] | undefined;
  let total: TotalMode = 'accurate';
  for (const [name, value] of query) {
    // PostgreSQL text holds no U+0000 (SQLSTATE 22021), so no stored value can match one.
    if (name.includes('\u0000') || value.includes('\u0000')) {
      problems.push(`search parameter ${JSON.stringify(name)} holds the character U+0000, which no FHIR value can contain`);
      continue;
    }
    const colon = name.indexOf(':');
    const code = colon < 0 ? name : name.slice(0, colon);
    const modifier = colon < 0 ? undefined : name.slice(colon + 1);
    if (!controlParams.has(code)) {
      clauses.push({ code, ...(modifier !== undefined ? { modifier } : {}), values: splitValues(value), raw: `${name}=${value}` });
      continue;
    }
    switch (code) {
      case '_count': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) problems.push(`_count must be a whole number, not "${value}"`);
        else count = Math.min(n, maxPageSize);
        break;
      }
      case '_offset': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > maxOffset)
          problems.push(`_offset must be a whole number up to ${maxOffset}, not "${value}"`);
        else offset = n;
        break;
      }
      case '_sort':
        for (const part of value.split(',')) {
          const trimmed = part.trim();
          if (trimmed === '') continue;
          sort.push(trimmed.startsWith('-') ? { code: trimmed.slice(1), descending: true } : { code: trimmed, descending: false });
        }
        break;
      case '_summary':
        if (['true', 'false', 'count', 'text', 'data'].includes(value)) summary = value as SummaryMode;
        else problems.push(`_summary must be true, false, count, text or data, not "${value}"`);
        break;
      case '_elements':
        elements = value
          .split(',')
          .map((e) => e.trim())
          .filter((e) => e !== '');
        break;
      case '_total':
        if (value === 'none' || value === 'estimate' || value === 'accurate') total = value;
        else problems.push(`_total must be none, estimate or accurate, not "${value}"`);
        break;
      case '_include':
      case '_revinclude': {
        const spec = parseInclude(value, modifier === 'iterate' || modifier === 'recurse');
        if (!spec) problems.push(`${name}=${value} is not of the form Type:param[:targetType]`);
        else (code === '_include' ? include : revinclude).push(spec);
        break;
      }
      default:
        break;
    }
  }
  return {
    resourceType,
    clauses,
    count,
    offset,
    sort,
    ...(summary ? { summary } : {}),
    ...(elements ? { elements } : {}),
    total,
    include,
    revinclude,
    problems,
  };
}

/** Splits on commas not escaped by a backslash, then unescapes `\,` `\$` `\|` `\\` (R4 3.1.1.1.3). */
export function splitValues(value: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1];
      i++;
    } else if (ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** Splits on the first unescaped `sep` (`|` in tokens and quantities, `$` in composites). */
export function splitEscaped(value: string, sep: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

export function unescapeValue(value: string): string {
  return value.replace(/\\([\\,$|])/g, '$1');
}

function parseInclude(value: string, iterate: boolean): IncludeSpec | undefined {
  if (value === '*') return { sourceType: '*', param: '*', iterate, raw: value };
  const parts = value.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) return undefined;
  const [sourceType, param, targetType] = parts as [string, string, string | undefined];
  return { sourceType, param, ...(targetType ? { targetType } : {}), iterate, raw: value };
}
