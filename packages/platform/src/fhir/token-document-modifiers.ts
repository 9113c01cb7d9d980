import { tryGetDataType } from '@medplum/core';
import type { MetaFilter } from './meta-params.ts';
import type { IndexedParam } from './search-parameter-registry.ts';
import type { SearchParamClause } from './search-request.ts';
import { splitEscaped, unescapeValue } from './search-request.ts';
import { escapeLike, type SqlParams } from './sql-params.ts';

/**
 * The token modifiers answered from the stored document (`r.content`), like the meta parameters
 * (meta-params.ts), because the index keeps codes but neither texts nor identifier types:
 *
 * - `:text` (FHIR R4 search 3.1.1.4.5 "the search parameter is processed as a string that searches
 *   text associated with the code/value - either CodeableConcept.text, Coding.display, or
 *   Identifier.type.text"): matched case-insensitively at the start of the text or of a word in it
 *   (`Condition?code:text=diabetes` finds "Diabetes mellitus type 2" and "Prediabetes" does not);
 * - `:of-type` on Identifier parameters (`Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345`):
 *   an Identifier whose type has that Coding and whose value is that value.
 *
 * They apply to parameters whose branches are top-level elements (`Condition.code`,
 * `Patient.identifier`): the element is read from the document, the rest reported as not
 * supported. Alone on a large type they read every document of it; beside a selective parameter
 * (a patient) only the candidates'.
 */
export const documentTokenModifiers: ReadonlySet<string> = new Set(['text', 'of-type']);

/** The filter on `fhir_resource r` for a token clause with :text or :of-type. */
export function tokenDocumentFilter(params: SqlParams, param: IndexedParam, clause: SearchParamClause): MetaFilter {
  const elements = topLevelElements(param);
  if (elements === undefined) {
    return { unsupported: `modifier :${clause.modifier} is not supported on ${param.code} (its values are not top-level elements)` };
  }
  // json's -> reads the stored text; only the element is converted to jsonb.
  const asArray = (e: string) =>
    `(CASE jsonb_typeof((r.content -> '${e}')::jsonb) WHEN 'array' THEN (r.content -> '${e}')::jsonb WHEN 'object' THEN jsonb_build_array((r.content -> '${e}')::jsonb) END)`;
  const ors: string[] = [];
  if (clause.modifier === 'of-type') {
    if (!elements.every((e) => isIdentifierElement(param.resourceType, e))) {
      return { unsupported: `modifier :of-type is for Identifier parameters; ${param.code} is not one` };
    }
    for (const raw of clause.values) {
      const parts = splitEscaped(raw, '|').map(unescapeValue);
      const [system = '', code = '', value = ''] = parts;
      if (parts.length !== 3 || code === '' || value === '') {
        return { invalid: `${clause.raw}: :of-type takes [type system]|[type code]|[identifier value]` };
      }
      const coding = system === '' ? { code } : { system, code };
      const wanted = params.add(JSON.stringify([{ type: { coding: [coding] }, value }]), 'jsonb');
      for (const e of elements) ors.push(`COALESCE(${asArray(e)} @> ${wanted}, false)`);
    }
    return { sql: `(${ors.join(' OR ')})` };
  }
  for (const raw of clause.values) {
    const text = unescapeValue(raw).toLowerCase();
    if (text.trim() === '') return { invalid: `${clause.raw}: :text needs some text` };
    const start = params.add(`${escapeLike(text)}%`, 'text');
    const word = params.add(`%${escapeLike(` ${text}`)}%`, 'text');
    const matches = (t: string) => `(lower(${t}) LIKE ${start} ESCAPE '\\' OR lower(${t}) LIKE ${word} ESCAPE '\\')`;
    for (const e of elements) {
      ors.push(`EXISTS (SELECT 1 FROM jsonb_array_elements(${asArray(e)}) v
        WHERE ${matches("v ->> 'text'")} OR ${matches("v ->> 'display'")} OR ${matches("v #>> '{type,text}'")}
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v -> 'coding') = 'array' THEN v -> 'coding' END) c
                       WHERE ${matches("c ->> 'display'")}))`);
    }
  }
  return { sql: `(${ors.join(' OR ')})` };
}

/** The top-level element names of a parameter's branches (`Condition.code` -> code), or undefined. */
function topLevelElements(param: IndexedParam): string[] | undefined {
  const out: string[] = [];
  for (const { path } of param.branches) {
    const m = /^([A-Z][A-Za-z]+)\.([a-z][A-Za-z]*)$/.exec(path.expression);
    if (m === null || m[1] !== param.resourceType) return undefined;
    out.push(m[2] as string);
  }
  return out.length > 0 ? out : undefined;
}

function isIdentifierElement(resourceType: string, element: string): boolean {
  const types = tryGetDataType(resourceType)?.elements[element]?.type ?? [];
  return types.length === 1 && types[0]?.code === 'Identifier';
}
