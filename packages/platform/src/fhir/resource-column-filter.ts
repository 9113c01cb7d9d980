import { parseDateRange, timestampLiteral } from './date-range.ts';
import { dateRangePredicate, lazyRange } from './range-predicates.ts';
import type { SearchParamClause } from './search-request.ts';
import { parseTokenValue, splitPrefix } from './search-values.ts';
import type { SqlParams } from './sql-params.ts';

/** `_id` and `_lastUpdated` compare columns of fhir_resource (alias r). Errors come back prefixed with '!'. */
export function columnFilter(params: SqlParams, clause: SearchParamClause, nowMs: number): string {
  if (clause.modifier !== undefined && clause.modifier !== 'missing')
    return `!modifier :${clause.modifier} is not supported on ${clause.code}`;
  if (clause.modifier === 'missing') return clause.values[0] === 'true' ? 'false' : 'true';
  if (clause.code === '_id') {
    const ids = clause.values.map((v) => parseTokenValue(v)?.code ?? v);
    return `r.id = ANY(${params.add(ids, 'text[]')})`;
  }
  const parts: string[] = [];
  for (const value of clause.values) {
    const { prefix, rest } = splitPrefix(value);
    const range = parseDateRange(rest);
    if (!range) return `!${clause.raw}: expected a FHIR date`;
    const width = Math.abs(nowMs - range.loMs) * 0.1;
    const ts = (ms: number) => params.add(timestampLiteral(ms), 'timestamptz');
    // last_updated is an instant: its range is one millisecond wide.
    parts.push(
      dateRangePredicate(
        prefix,
        'r.last_updated',
        "(r.last_updated + interval '1 millisecond')",
        lazyRange(
          () => ts(range.loMs),
          () => ts(range.hiMs),
        ),
        lazyRange(
          () => ts(range.loMs - width),
          () => ts(range.hiMs + width),
        ),
      ),
    );
  }
  return `(${parts.join(' OR ')})`;
}
