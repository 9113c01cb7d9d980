import { documentModifierFilter, isDocumentModifier } from './document-modifiers.ts';
import { isMetaParam, type MetaFilter, metaFilter } from './meta-params.ts';
import { columnFilter } from './resource-column-filter.ts';
import { type ConditionContext, type ConditionResult, paramCondition, referenceBranchFilter } from './search-conditions.ts';
import { columnParams, type IndexedParam, type ResourceSearchModel, searchModel } from './search-parameter-registry.ts';
import type { SearchParamClause } from './search-request.ts';

/**
 * Chained parameters and reverse chaining (FHIR R4 search.html, "Chained parameters" and "Reverse
 * Chaining"), answered from the same index rows as every other search:
 *
 *  - `Observation?patient.identifier=http://hospital.org/mrn|12345`: Observations whose `patient`
 *    reference points at a Patient matching `identifier=...`. The target type comes from a type
 *    modifier (`subject:Patient.name=Smith`) or, without one, from every target type of the
 *    reference parameter that defines the chained parameter (as R4 allows; `subject.name` looks
 *    at Patient, Group ... whichever have `name`). Links chain further
 *    (`Observation?patient.organization.name=Good Health`).
 *  - `Patient?_has:Observation:patient:code=http://loinc.org|8867-4`: Patients referred to, through
 *    Observation's `patient` parameter, by at least one Observation matching `code=...`. `_has`
 *    nests (`_has:Observation:patient:_has:...`) and its last link may be a chain.
 *
 * A chained link is the index's reference rows joined to the set of matching targets:
 * `SELECT rid FROM fhir_reference WHERE key = ANY(branches) AND (target_type, target_id) IN
 * (SELECT resource_type, id FROM fhir_resource WHERE rid IN (<the target's own condition>))`.
 * Deleted targets never match. Links beyond `maxChainLinks` are refused (a warning, the clause
 * ignored), which bounds the statement a request can build.
 */
export const maxChainLinks = 3;

export type ChainLink =
  | { readonly kind: 'forward'; readonly reference: string; readonly targetType?: string; readonly rest: SearchParamClause }
  | { readonly kind: 'reverse'; readonly sourceType: string; readonly reference: string; readonly rest: SearchParamClause };

const typeName = /^[A-Z][A-Za-z]+$/;

/** Whether a clause is chained or reverse-chained (by its name alone). */
export function isChained(clause: SearchParamClause): boolean {
  return clause.code === '_has' || clause.code.includes('.') || (clause.modifier?.includes('.') ?? false);
}

/**
 * The first link of a chained clause and the clause that remains after it (same values, same raw
 * text); a string describing the problem when the name is not a well-formed chain.
 */
export function parseChainLink(clause: SearchParamClause): ChainLink | string {
  const name = clause.modifier === undefined ? clause.code : `${clause.code}:${clause.modifier}`;
  if (clause.code === '_has') {
    const [sourceType, reference, ...rest] = (clause.modifier ?? '').split(':');
    if (!sourceType || !typeName.test(sourceType) || !reference || rest.length === 0 || rest[0] === '')
      return `${name} is not of the form _has:Type:reference:parameter`;
    return { kind: 'reverse', sourceType, reference, rest: remainder(clause, rest.join(':')) };
  }
  const dot = name.indexOf('.');
  const head = name.slice(0, dot);
  const tail = name.slice(dot + 1);
  const [reference, targetType, ...extra] = head.split(':');
  if (!reference || extra.length > 0 || tail === '' || (targetType !== undefined && !typeName.test(targetType)))
    return `${name} is not of the form reference[:Type].parameter`;
  return { kind: 'forward', reference, ...(targetType !== undefined ? { targetType } : {}), rest: remainder(clause, tail) };
}

/** The clause named `name` (`code[:modifier]`) with the values of `clause`. */
function remainder(clause: SearchParamClause, name: string): SearchParamClause {
  const colon = name.startsWith('_has:') ? 4 : name.indexOf(':');
  return {
    code: colon < 0 ? name : name.slice(0, colon),
    ...(colon < 0 ? {} : { modifier: name.slice(colon + 1) }),
    values: clause.values,
    raw: clause.raw,
  };
}

/**
 * The set of resources of `model` that meet a chained clause: a set, or why it is unsupported
 * (a warning; the clause is ignored) or invalid (an error). Parameters added for an attempt that
 * fails are taken back, so a statement never carries one it does not use.
 */
export function chainedCondition(ctx: ConditionContext, model: ResourceSearchModel, clause: SearchParamClause): ConditionResult {
  return linkCondition(linkedContext(ctx), model, clause, 1);
}

/**
 * For device readings, which name their patient by id only: SQL selecting the ids of the Patients
 * a chain on the patient reference selects (`patient.identifier=...`, `subject:Patient.name=...`,
 * and the Patient part of `subject.name=...`); undefined when the clause is no such chain or
 * Patient cannot answer the rest of it.
 */
export function chainedPatientIds(ctx: ConditionContext, clause: SearchParamClause): string | undefined {
  const link = parseChainLink(clause);
  if (typeof link === 'string' || link.kind !== 'forward' || (link.reference !== 'patient' && link.reference !== 'subject'))
    return undefined;
  if (link.targetType !== undefined && link.targetType !== 'Patient') return undefined;
  const mark = ctx.params.values.length;
  const inner = targetCondition(linkedContext(ctx), searchModel('Patient')!, link.rest, 1);
  if (inner.kind !== 'set') {
    ctx.params.truncate(mark);
    return undefined;
  }
  return `SELECT t.id FROM fhir_resource t WHERE t.resource_type = 'Patient' AND NOT t.deleted AND t.rid IN (${inner.sql})`;
}

/** Linked sets range over every patient's rows: the one-patient hint of the outer search does not hold for them. */
function linkedContext(ctx: ConditionContext): ConditionContext {
  return { params: ctx.params, keys: ctx.keys, nowMs: ctx.nowMs, ...(ctx.baseUrl !== undefined ? { baseUrl: ctx.baseUrl } : {}) };
}

function linkCondition(ctx: ConditionContext, model: ResourceSearchModel, clause: SearchParamClause, depth: number): ConditionResult {
  if (depth > maxChainLinks) return unsupported(`${clause.raw}: chains of more than ${maxChainLinks} links are not supported`);
  const link = parseChainLink(clause);
  if (typeof link === 'string') return invalid(`${clause.raw}: ${link}`);
  return link.kind === 'forward' ? forward(ctx, model, link, clause, depth) : reverse(ctx, model, link, clause, depth);
}

function forward(
  ctx: ConditionContext,
  model: ResourceSearchModel,
  link: Extract<ChainLink, { kind: 'forward' }>,
  clause: SearchParamClause,
  depth: number,
): ConditionResult {
  const param = referenceParam(model, link.reference);
  if (typeof param === 'string') return invalid(`${clause.raw}: ${param}`);
  if (link.targetType !== undefined && !param.targets.includes(link.targetType))
    return invalid(`${clause.raw}: ${model.resourceType} ${link.reference} does not refer to ${link.targetType}`);
  const candidates = (link.targetType !== undefined ? [link.targetType] : param.targets).filter((t) => definesParam(t, link.rest));
  if (candidates.length === 0) {
    return invalid(`${clause.raw}: no resource type ${model.resourceType} ${link.reference} refers to has a parameter ${link.rest.code}`);
  }
  const p = ctx.params;
  const start = p.values.length;
  const sets: string[] = [];
  for (const type of candidates) {
    const inner = targetCondition(ctx, searchModel(type)!, link.rest, depth);
    if (inner.kind !== 'set') {
      // One target type that cannot answer makes the whole link unanswerable: leaving its
      // resources out would be a silently narrower result.
      p.truncate(start);
      return inner;
    }
    sets.push(inner.sql);
  }
  const keys = p.add(
    param.branches.map((b) => ctx.keys.key(b.path)),
    'int[]',
  );
  const targets = `SELECT t.resource_type, t.id FROM fhir_resource t WHERE NOT t.deleted AND t.rid IN (${sets.join(' UNION ALL ')})`;
  const source = `FROM fhir_reference WHERE key = ANY(${keys})${referenceBranchFilter(ctx, param.branches)} AND (target_type, target_id) IN (${targets})`;
  return { kind: 'set', sql: `SELECT rid ${source}`, source, negated: false, patientBounded: false };
}

function reverse(
  ctx: ConditionContext,
  model: ResourceSearchModel,
  link: Extract<ChainLink, { kind: 'reverse' }>,
  clause: SearchParamClause,
  depth: number,
): ConditionResult {
  const source = searchModel(link.sourceType);
  if (!source) return invalid(`${clause.raw}: ${link.sourceType} is not a FHIR R4 resource type`);
  const param = referenceParam(source, link.reference);
  if (typeof param === 'string') return invalid(`${clause.raw}: ${param}`);
  if (!param.targets.includes(model.resourceType))
    return invalid(`${clause.raw}: ${link.sourceType} ${link.reference} does not refer to ${model.resourceType}`);
  const inner = targetCondition(ctx, source, link.rest, depth);
  if (inner.kind !== 'set') return inner;
  const p = ctx.params;
  const keys = p.add(
    param.branches.map((b) => ctx.keys.key(b.path)),
    'int[]',
  );
  const type = p.add(model.resourceType, 'text');
  const branches = referenceBranchFilter(ctx, param.branches);
  const referrers = `SELECT target_id FROM fhir_reference WHERE key = ANY(${keys})${branches} AND target_type = ${type} AND rid IN (${inner.sql})`;
  const from = `FROM fhir_resource WHERE resource_type = ${type} AND NOT deleted AND id IN (${referrers})`;
  return { kind: 'set', sql: `SELECT rid ${from}`, source: from, negated: false, patientBounded: false };
}

/** The set of resources of `model` meeting `clause`: a further link, a column or meta parameter, or an indexed one. */
function targetCondition(ctx: ConditionContext, model: ResourceSearchModel, clause: SearchParamClause, depth: number): ConditionResult {
  if (isChained(clause)) return linkCondition(ctx, model, clause, depth + 1);
  const p = ctx.params;
  const resources = (filter: string) => {
    const from = `FROM fhir_resource r WHERE r.resource_type = ${p.add(model.resourceType, 'text')} AND NOT r.deleted AND ${filter}`;
    return { kind: 'set' as const, sql: `SELECT r.rid ${from}`, source: from, negated: false, patientBounded: false };
  };
  if (Object.hasOwn(columnParams, clause.code)) {
    const filter = columnFilter(p, clause, ctx.nowMs);
    return filter.startsWith('!') ? invalid(filter.slice(1)) : resources(filter);
  }
  const documentSet = (filter: MetaFilter) => {
    if ('sql' in filter) return resources(filter.sql);
    return 'invalid' in filter ? invalid(filter.invalid) : unsupported(`${filter.unsupported}; ${clause.raw} was ignored`);
  };
  if (isMetaParam(clause.code)) return documentSet(metaFilter(p, { ...clause, code: clause.code }));
  const param = model.params.get(clause.code);
  if (!param) {
    const why = model.unsupported.get(clause.code)?.reason;
    return unsupported(`${clause.raw}: search parameter ${clause.code} of ${model.resourceType} is not supported${why ? ` (${why})` : ''}`);
  }
  if (isDocumentModifier(param, clause)) {
    return documentSet(documentModifierFilter(p, param, clause));
  }
  const result = paramCondition(ctx, param, clause);
  if (result.kind === 'unsupported') return unsupported(`${result.message}; ${clause.raw} was ignored`);
  if (result.kind !== 'set' || !result.negated) return result;
  // :not and :missing=true name what to leave out: the type's live resources but those.
  return resources(`NOT EXISTS (${result.sql} AND rid = r.rid)`);
}

function referenceParam(model: ResourceSearchModel, code: string): IndexedParam | string {
  const param = model.params.get(code);
  if (param?.type === 'reference') return param;
  return param ? `${code} is not a reference parameter of ${model.resourceType}` : `${model.resourceType} has no search parameter ${code}`;
}

/** Whether `type` could answer the clause that follows a link into it. */
function definesParam(type: string, clause: SearchParamClause): boolean {
  const model = searchModel(type);
  if (!model) return false;
  if (isChained(clause)) {
    const link = parseChainLink(clause);
    return typeof link === 'string' || link.kind === 'reverse' || model.params.get(link.reference)?.type === 'reference';
  }
  return (
    Object.hasOwn(columnParams, clause.code) ||
    isMetaParam(clause.code) ||
    model.params.has(clause.code) ||
    model.unsupported.has(clause.code)
  );
}

function unsupported(message: string): ConditionResult {
  return { kind: 'unsupported', message };
}

function invalid(message: string): ConditionResult {
  return { kind: 'invalid', message };
}
