import { tryGetDataType } from '@medplum/core';
import { normalizeString } from './index-rows.ts';
import type { MetaFilter } from './meta-params.ts';
import type { IndexedParam } from './search-parameter-registry.ts';
import type { SearchParamClause } from './search-request.ts';
import { splitEscaped, unescapeValue } from './search-request.ts';
import { parseTokenValue } from './search-values.ts';
import { escapeLike, type SqlParams } from './sql-params.ts';

/**
 * The modifiers answered from the stored document (`r.content`), like the meta parameters
 * (meta-params.ts), because the index keeps codes and reference targets but not texts, identifier
 * types or the identifiers inside references:
 *
 * - `:text` (FHIR R4 search 3.1.1.4.5 "the search parameter is processed as a string that searches
 *   text associated with the code/value - either CodeableConcept.text, Coding.display, or
 *   Identifier.type.text"): matched ignoring case and accents (Latin letters) at the start of the
 *   text or of a word in it
 *   (`Condition?code:text=diabetes` finds "Diabetes mellitus type 2" and "Prediabetes" does not);
 * - `:of-type` on Identifier parameters (`Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345`):
 *   an Identifier whose type has that Coding and whose value is that value;
 * - `:identifier` on reference parameters (search 3.1.1.4.9, `Observation?subject:identifier=http://hospital.org/mrn|12345`):
 *   a Reference whose `identifier` matches the token (`system|value`, `value` in any system,
 *   `|value` without one), whatever it points at, even when it points at nothing stored.
 *
 * They apply to parameters whose branches are plain element paths (`Condition.code`,
 * `Patient.identifier`, `Encounter.participant.individual`): the path is unnested from the
 * document; others (choice types, `where()` filters) are reported as not supported. Alone on a large type they read every document of it; beside a selective parameter
 * (a patient) only the candidates'.
 */
const tokenModifiers: ReadonlySet<string> = new Set(['text', 'of-type']);

/** Whether the clause is one of these: token :text or :of-type, reference :identifier. */
export function isDocumentModifier(param: IndexedParam, clause: SearchParamClause): boolean {
  const m = clause.modifier;
  return m !== undefined && ((param.type === 'token' && tokenModifiers.has(m)) || (param.type === 'reference' && m === 'identifier'));
}

/** The filter on `fhir_resource r` for a clause isDocumentModifier() accepts. */
export function documentModifierFilter(params: SqlParams, param: IndexedParam, clause: SearchParamClause): MetaFilter {
  const paths = memberPaths(param);
  if (paths === undefined) {
    return { unsupported: `modifier :${clause.modifier} is not supported on ${param.code} (its values are not plain element paths)` };
  }
  // Each value the branch selects, as `v`; `EXISTS (SELECT 1 FROM <values> WHERE <test on v>)`.
  const anyValue = (test: string) => paths.map((steps) => `EXISTS (SELECT 1 FROM ${valuesOf(steps)} WHERE ${test})`);
  const ors: string[] = [];
  if (clause.modifier === 'identifier') {
    for (const raw of clause.values) {
      const token = parseTokenValue(raw);
      if (!token?.code) return { invalid: `${clause.raw}: :identifier takes [system]|[value]` };
      const value = `v #>> '{identifier,value}' = ${params.add(token.code, 'text')}`;
      const system =
        token.system === undefined
          ? ''
          : token.system === ''
            ? ` AND (v -> 'identifier' -> 'system') IS NULL`
            : ` AND v #>> '{identifier,system}' = ${params.add(token.system, 'text')}`;
      ors.push(...anyValue(`${value}${system}`));
    }
    return { sql: `(${ors.join(' OR ')})` };
  }
  if (clause.modifier === 'of-type') {
    if (!paths.every((steps) => elementType(param.resourceType, steps) === 'Identifier')) {
      return { unsupported: `modifier :of-type is for Identifier parameters; ${param.code} is not one` };
    }
    for (const raw of clause.values) {
      const parts = splitEscaped(raw, '|').map(unescapeValue);
      const [system = '', code = '', value = ''] = parts;
      if (parts.length !== 3 || code === '' || value === '') {
        return { invalid: `${clause.raw}: :of-type takes [type system]|[type code]|[identifier value]` };
      }
      const coding = system === '' ? { code } : { system, code };
      ors.push(...anyValue(`v @> ${params.add(JSON.stringify({ type: { coding: [coding] }, value }), 'jsonb')}`));
    }
    return { sql: `(${ors.join(' OR ')})` };
  }
  for (const raw of clause.values) {
    const text = normalizeString(unescapeValue(raw));
    if (text.trim() === '') return { invalid: `${clause.raw}: :text needs some text` };
    const start = params.add(`${escapeLike(text)}%`, 'text');
    const word = params.add(`%${escapeLike(` ${text}`)}%`, 'text');
    const folded = (t: string) => `translate(lower(${t}), ${params.add(latinFold.from, 'text')}, ${params.add(latinFold.to, 'text')})`;
    const matches = (t: string) => `(${folded(t)} LIKE ${start} ESCAPE '\\' OR ${folded(t)} LIKE ${word} ESCAPE '\\')`;
    ors.push(
      ...anyValue(`${matches("v ->> 'text'")} OR ${matches("v ->> 'display'")} OR ${matches("v #>> '{type,text}'")}
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v -> 'coding') = 'array' THEN v -> 'coding' END) c
                       WHERE ${matches("c ->> 'display'")})`),
    );
  }
  return { sql: `(${ors.join(' OR ')})` };
}

/**
 * Case and accent folding in SQL to match normalizeString() (index-rows.ts: NFD, marks removed,
 * lower case) for the Latin letters U+00C0-U+024F: PostgreSQL's lower() under the C locale (and
 * PGlite's) folds ASCII only, and unaccent is an extension neither engine is sure to have.
 */
const latinFold = (() => {
  let from = '';
  let to = '';
  for (let cp = 0xc0; cp <= 0x24f; cp++) {
    const ch = String.fromCodePoint(cp);
    const base = normalizeString(ch);
    if (base !== ch && /^[a-z]$/.test(base)) {
      from += ch;
      to += base;
    }
  }
  return { from, to };
})();

/** A JSON value as an array to unnest: an array as it is, an object as a one-item array, else none. */
const asArray = (x: string) => `(CASE jsonb_typeof(${x}) WHEN 'array' THEN ${x} WHEN 'object' THEN jsonb_build_array(${x}) END)`;

/**
 * The FROM items that unnest a member path of the document, the last item named `v`: each step
 * selects the children of that name of every item (FHIRPath member navigation). json's -> reads
 * the stored text; only the first element is converted to jsonb.
 */
function valuesOf(steps: readonly string[]): string {
  let previous = '';
  return steps
    .map((step, i) => {
      const alias = i === steps.length - 1 ? 'v' : `s${i}`;
      const source = i === 0 ? `(r.content -> '${step}')::jsonb` : `${previous} -> '${step}'`;
      previous = alias;
      return `jsonb_array_elements(${asArray(source)}) ${alias}`;
    })
    .join(', ');
}

/** The member steps of each branch (`Encounter.participant.individual` -> participant, individual), or undefined. */
function memberPaths(param: IndexedParam): string[][] | undefined {
  const out: string[][] = [];
  for (const { path } of param.branches) {
    const m = /^([A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z]*)+)$/.exec(path.expression);
    if (m === null || m[1] !== param.resourceType) return undefined;
    out.push((m[2] as string).slice(1).split('.'));
  }
  return out.length > 0 ? out : undefined;
}

/** The data type a member path ends in (Patient + identifier -> Identifier), when it has one. */
function elementType(resourceType: string, steps: readonly string[]): string | undefined {
  let type = resourceType;
  for (const step of steps) {
    const types = tryGetDataType(type)?.elements[step]?.type ?? [];
    if (types.length !== 1) return undefined;
    type = types[0]!.code;
  }
  return type;
}
