import type { SearchParamClause } from './search-request.ts';
import { unescapeValue } from './search-request.ts';
import { parseTokenValue } from './search-values.ts';
import { escapeLike, type SqlParams } from './sql-params.ts';

/**
 * The search parameters every resource has on its `meta` (FHIR R4 search 3.1.1.5 and the
 * Resource-* SearchParameters): `_tag` and `_security` (tokens on Coding), `_profile` (uri on
 * canonical) and `_source` (uri). They are answered from the stored document (`r.content`) instead
 * of index rows: most resources carry none of them or the same few, every search that uses them in
 * practice has a more selective condition beside it, and a document filter answers for every
 * resource ever stored without a re-index. Alone on a large type they read every document of it.
 *
 * A token without a system matches a Coding of any system; `|code` one without a system; `system|`
 * any code of that system (search 3.1.1.4.4). A canonical without a version also matches its
 * versions (`url|1.0`, R4 references.html#canonical). `:not` and `:missing` are supported; other
 * modifiers are reported as not supported.
 */
export const metaParams = {
  _tag: { type: 'token', url: 'http://hl7.org/fhir/SearchParameter/Resource-tag', element: 'tag' },
  _security: { type: 'token', url: 'http://hl7.org/fhir/SearchParameter/Resource-security', element: 'security' },
  _profile: { type: 'uri', url: 'http://hl7.org/fhir/SearchParameter/Resource-profile', element: 'profile' },
  _source: { type: 'uri', url: 'http://hl7.org/fhir/SearchParameter/Resource-source', element: 'source' },
} as const;

export type MetaParamCode = keyof typeof metaParams;

export const isMetaParam = (code: string): code is MetaParamCode => Object.hasOwn(metaParams, code);

/** The filter on `fhir_resource r`, or why the clause cannot be answered. */
export type MetaFilter = { readonly sql: string } | { readonly unsupported: string } | { readonly invalid: string };

export function metaFilter(params: SqlParams, clause: SearchParamClause & { code: MetaParamCode }): MetaFilter {
  const spec = metaParams[clause.code];
  // json's -> reads the stored text; only the small meta element is converted to jsonb.
  const element = `(r.content -> 'meta' -> '${spec.element}')::jsonb`;
  if (clause.modifier === 'missing') {
    const v = clause.values[0];
    if (clause.values.length !== 1 || (v !== 'true' && v !== 'false')) return { invalid: `${clause.raw}: :missing takes true or false` };
    const absent = `COALESCE(${element} IN ('[]'::jsonb, 'null'::jsonb), true)`;
    return { sql: v === 'true' ? absent : `NOT ${absent}` };
  }
  if (clause.modifier !== undefined && !(clause.modifier === 'not' && spec.type === 'token')) {
    return { unsupported: `modifier :${clause.modifier} is not supported on ${spec.type} parameter ${clause.code}` };
  }
  const ors: string[] = [];
  for (const raw of clause.values) {
    if (spec.type === 'token') {
      const t = parseTokenValue(raw);
      if (!t) return { invalid: `${clause.raw}: expected [system]|[code]` };
      ors.push(codingPredicate(params, element, t.system, t.code));
    } else {
      const value = unescapeValue(raw);
      if (value === '') return { invalid: `${clause.raw}: expected a uri` };
      const exact = params.add(value, 'text');
      ors.push(
        spec.element === 'source'
          ? `(${element} #>> '{}') = ${exact}`
          : `EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(${element}) = 'array' THEN ${element} END) p
                      WHERE p = ${exact} OR p LIKE ${params.add(`${escapeLike(value)}|%`, 'text')} ESCAPE '\\')`,
      );
    }
  }
  const any = `COALESCE(${ors.length === 1 ? ors[0] : `(${ors.join(' OR ')})`}, false)`;
  return { sql: clause.modifier === 'not' ? `NOT ${any}` : any };
}

/** Whether the Coding array `element` holds one with this system and code (undefined: any; '' system: none). */
function codingPredicate(params: SqlParams, element: string, system: string | undefined, code: string | undefined): string {
  if (system === '') {
    return `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${element}) = 'array' THEN ${element} END) c
                     WHERE c ->> 'code' = ${params.add(code ?? '', 'text')} AND NOT c ? 'system')`;
  }
  const coding: Record<string, string> = {};
  if (system !== undefined) coding.system = system;
  if (code !== undefined) coding.code = code;
  return `${element} @> ${params.add(JSON.stringify([coding]), 'jsonb')}`;
}
