import { parseDateRange, timestampLiteral } from './date-range.ts';
import { normalizeString } from './index-rows.ts';
import { dateRangePredicate, lazyRange, numberPredicate } from './range-predicates.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import type { IndexedParam, ParamBranch } from './search-parameter-registry.ts';
import type { SearchParamClause } from './search-request.ts';
import { splitEscaped, unescapeValue } from './search-request.ts';
import { type Prefix, parseNumberRange, parseQuantityValue, parseTokenValue, splitPrefix } from './search-values.ts';
import { escapeLike, type SqlParams } from './sql-params.ts';
import { canonicalQuantity, ucumSystemUrl } from './ucum-canonical.ts';

/**
 * Turns one search clause (a parameter with its OR-ed values) into a set of resource keys:
 * `SELECT rid FROM <index table> WHERE key IN (branches) AND (value OR value ...)`. A negated set
 * (`:not`, `:missing=true`) names the resources to exclude. Comparison rules per type follow
 * FHIR R4 search 3.1.1.4; see range-predicates.ts for the prefixes.
 */
export interface ConditionContext {
  readonly params: SqlParams;
  readonly keys: SearchIndexKeys;
  /** Patient hint for one-patient searches (see migration 002): adds `pk IN (hint, 0)`. */
  readonly patientKey?: number;
  readonly nowMs: number;
  /** This server's FHIR base URL: absolute references to it are treated as relative. */
  readonly baseUrl?: string;
}

export type ConditionResult =
  | {
      readonly kind: 'set';
      readonly sql: string;
      /** `FROM <index table> WHERE ...`: the rows behind `sql` (which is `SELECT rid` of them). */
      readonly source: string;
      readonly negated: boolean;
      /** The set carries the patient hint, so it holds one patient's index rows at most. */
      readonly patientBounded: boolean;
    }
  | { readonly kind: 'unsupported'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string };

const tableOf = {
  token: 'fhir_token',
  string: 'fhir_string',
  date: 'fhir_date',
  quantity: 'fhir_quantity',
  reference: 'fhir_reference',
  number: 'fhir_number',
  uri: 'fhir_uri',
  composite: 'fhir_composite',
} as const;

// Tables whose search index has `pk` right after the equality columns.
const patientScoped = new Set(['token', 'date', 'quantity', 'composite']);

export function paramCondition(ctx: ConditionContext, param: IndexedParam, clause: SearchParamClause): ConditionResult {
  const table = tableOf[param.type];
  const keys = ctx.params.add(
    param.branches.map((b) => ctx.keys.key(b.path)),
    'int[]',
  );
  const pk =
    ctx.patientKey !== undefined && patientScoped.has(param.type) ? ` AND pk = ANY(${ctx.params.add([ctx.patientKey, 0], 'int[]')})` : '';
  const from = `FROM ${table} WHERE key = ANY(${keys})${pk}`;
  const modifier = clause.modifier;
  if (modifier === 'missing') {
    const v = clause.values[0];
    if (clause.values.length !== 1 || (v !== 'true' && v !== 'false')) return invalid(clause, ':missing takes true or false');
    return { kind: 'set', sql: `SELECT rid ${from}`, source: from, negated: v === 'true', patientBounded: pk !== '' };
  }
  const predicates: string[] = [];
  let negated = false;
  for (const value of clause.values) {
    const p = valuePredicate(ctx, param, modifier, value);
    if (typeof p !== 'string') return p;
    predicates.push(p);
  }
  if (param.type === 'token' && modifier === 'not') negated = true;
  const branchFilter = param.type === 'reference' ? referenceBranchFilter(ctx, param.branches) : '';
  const source = `${from}${branchFilter} AND (${predicates.join(' OR ')})`;
  return { kind: 'set', sql: `SELECT rid ${source}`, source, negated, patientBounded: pk !== '' };
}

type Failure = Exclude<ConditionResult, { kind: 'set' }>;
type Predicate = string | Failure;

/** The SQL predicate of one value of a clause (columns named as in the parameter's index table). */
export function valuePredicate(ctx: ConditionContext, param: IndexedParam, modifier: string | undefined, value: string): Predicate {
  const p = ctx.params;
  const clause = { code: param.code, ...(modifier ? { modifier } : {}), values: [value], raw: `${param.code}=${value}` };
  switch (param.type) {
    case 'token': {
      if (modifier !== undefined && modifier !== 'not') return unsupported(param, modifier);
      const t = parseTokenValue(value);
      if (!t) return invalid(clause, 'expected [system]|[code]');
      return tokenPredicate(p, 'system', 'code', t.system, t.code);
    }
    case 'string': {
      if (modifier === 'exact') return `exact = ${p.add(unescapeValue(value), 'text')}`;
      const norm = escapeLike(normalizeString(unescapeValue(value)));
      if (modifier === 'contains') return `value LIKE ${p.add(`%${norm}%`, 'text')}`;
      if (modifier !== undefined) return unsupported(param, modifier);
      return `value LIKE ${p.add(`${norm}%`, 'text')}`;
    }
    case 'uri': {
      const v = unescapeValue(value);
      if (modifier === 'below') return `value LIKE ${p.add(`${escapeLike(v)}%`, 'text')}`;
      if (modifier !== undefined) return unsupported(param, modifier);
      return `value = ${p.add(v, 'text')}`;
    }
    case 'reference':
      return referencePredicate(ctx, param, modifier, unescapeValue(value), clause);
    case 'date': {
      if (modifier !== undefined) return unsupported(param, modifier);
      const { prefix, rest } = splitPrefix(value);
      const range = parseDateRange(rest);
      if (!range) return invalid(clause, 'expected a FHIR date, e.g. 2020, 2020-03-01 or 2020-03-01T10:00:00Z');
      const width = Math.abs(ctx.nowMs - range.loMs) * 0.1;
      return dateRangePredicate(
        prefix,
        'lo',
        'hi',
        lazyRange(
          () => p.add(timestampLiteral(range.loMs), 'timestamptz'),
          () => p.add(timestampLiteral(range.hiMs), 'timestamptz'),
        ),
        lazyRange(
          () => p.add(timestampLiteral(range.loMs - width), 'timestamptz'),
          () => p.add(timestampLiteral(range.hiMs + width), 'timestamptz'),
        ),
      );
    }
    case 'number': {
      if (modifier !== undefined) return unsupported(param, modifier);
      const { prefix, rest } = splitPrefix(value);
      const n = parseNumberRange(rest);
      if (!n) return invalid(clause, 'expected a number');
      return pointPredicate(p, prefix, 'value', n.value, n.lo, n.hi);
    }
    case 'quantity': {
      if (modifier !== undefined) return unsupported(param, modifier);
      return (
        quantityPredicate(p, value, 'value', 'system', 'code', 'canon_value', 'canon_code') ??
        invalid(clause, 'expected [prefix]number[|system|code]')
      );
    }
    case 'composite': {
      if (modifier !== undefined) return unsupported(param, modifier);
      const parts = splitEscaped(value, '$');
      const second = param.branches[0]?.path.components?.[1];
      if (parts.length !== 2 || !second) return invalid(clause, 'expected two values joined by $, e.g. http://loinc.org|8480-6$gt140');
      const first = parseTokenValue(parts[0]!);
      if (!first) return invalid(clause, 'the first part must be a token [system]|[code]');
      const left = tokenPredicate(p, 'system1', 'code1', first.system, first.code);
      if (second.kind === 'token') {
        const t = parseTokenValue(parts[1]!);
        if (!t) return invalid(clause, 'the second part must be a token [system]|[code]');
        return `(${left} AND ${tokenPredicate(p, 'system2', 'code2', t.system, t.code)})`;
      }
      const right = quantityPredicate(p, parts[1]!, 'value2', 'system2', 'code2', 'canon_value2', 'canon_code2');
      if (!right) return invalid(clause, 'the second part must be a quantity [prefix]number[|system|code]');
      return `(${left} AND ${right})`;
    }
  }
}

function tokenPredicate(p: SqlParams, systemCol: string, codeCol: string, system: string | undefined, code: string | undefined): string {
  const parts: string[] = [];
  if (code !== undefined) parts.push(`${codeCol} = ${p.add(code, 'text')}`);
  if (system !== undefined) parts.push(`${systemCol} = ${p.add(system, 'text')}`);
  return `(${parts.join(' AND ')})`;
}

function pointPredicate(p: SqlParams, prefix: Prefix, column: string, value: number, lo: number, hi: number): string {
  const width = Math.abs(value) * 0.1;
  return numberPredicate(
    prefix,
    column,
    () => p.add(value, 'float8'),
    lazyRange(
      () => p.add(lo, 'float8'),
      () => p.add(hi, 'float8'),
    ),
    lazyRange(
      () => p.add(value - width, 'float8'),
      () => p.add(value + width, 'float8'),
    ),
  );
}

/**
 * `[prefix]number|system|code`: with a UCUM unit this module can canonicalise, the comparison runs
 * on canonical values, so 5.4 mmol/L meets 5400 umol/L; otherwise value and code must match as given.
 */
function quantityPredicate(
  p: SqlParams,
  value: string,
  valueCol: string,
  systemCol: string,
  codeCol: string,
  canonValueCol: string,
  canonCodeCol: string,
) {
  const q = parseQuantityValue(value);
  if (!q) return undefined;
  const { prefix, number } = q;
  if (q.code !== undefined && (q.system === undefined || q.system === ucumSystemUrl)) {
    const c = canonicalQuantity(number.value, q.code);
    const lo = canonicalQuantity(number.lo, q.code);
    const hi = canonicalQuantity(number.hi, q.code);
    if (c && lo && hi) {
      return `(${canonCodeCol} = ${p.add(c.code, 'text')} AND ${pointPredicate(p, prefix, canonValueCol, c.value, lo.value, hi.value)})`;
    }
  }
  const parts = [pointPredicate(p, prefix, valueCol, number.value, number.lo, number.hi)];
  if (q.code !== undefined) parts.push(`${codeCol} = ${p.add(q.code, 'text')}`);
  if (q.system !== undefined) parts.push(`${systemCol} = ${p.add(q.system, 'text')}`);
  return `(${parts.join(' AND ')})`;
}

function referencePredicate(
  ctx: ConditionContext,
  param: IndexedParam,
  modifier: string | undefined,
  value: string,
  clause: SearchParamClause,
): Predicate {
  if (modifier !== undefined && !/^[A-Z][A-Za-z]+$/.test(modifier)) return unsupported(param, modifier);
  const target = parseReferenceValue(value, ctx.baseUrl);
  if (!target) return invalid(clause, 'expected Type/id, id or an absolute URL');
  const type = target.type ?? modifier;
  if (modifier && target.type && modifier !== target.type) return 'false';
  const p = ctx.params;
  return type === undefined
    ? `(target_id = ${p.add(target.id, 'text')})`
    : `(target_id = ${p.add(target.id, 'text')} AND target_type = ${p.add(type, 'text')})`;
}

/** `Patient/123`, `123`, `[base]/Patient/123` or another absolute URL. */
export function parseReferenceValue(value: string, baseUrl?: string): { type?: string; id: string } | undefined {
  let v = value;
  if (baseUrl && v.startsWith(`${baseUrl}/`)) v = v.slice(baseUrl.length + 1);
  v = v.replace(/\/_history\/[^/]+$/, '');
  if (v === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return { type: '', id: v };
  const parts = v.split('/');
  if (parts.length === 1) return { id: v };
  if (parts.length === 2 && /^[A-Z][A-Za-z]+$/.test(parts[0]!) && parts[1] !== '') return { type: parts[0]!, id: parts[1]! };
  return undefined;
}

/** `.where(resolve() is T)` branches only match references to T. */
export function referenceBranchFilter(ctx: ConditionContext, branches: readonly ParamBranch[]): string {
  if (branches.every((b) => b.targetType === undefined)) return '';
  const parts = branches.map((b) => {
    const key = ctx.params.add(ctx.keys.key(b.path), 'int');
    return b.targetType ? `(key = ${key} AND target_type = ${ctx.params.add(b.targetType, 'text')})` : `key = ${key}`;
  });
  return ` AND (${parts.join(' OR ')})`;
}

function unsupported(param: IndexedParam, modifier: string): Failure {
  return { kind: 'unsupported', message: `modifier :${modifier} is not supported on ${param.type} parameter ${param.code}` };
}

function invalid(clause: SearchParamClause, message: string): Failure {
  return { kind: 'invalid', message: `${clause.raw}: ${message}` };
}
