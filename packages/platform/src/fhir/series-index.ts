import { parseDateRange } from './date-range.ts';
import type { ExtractedIndex, SeriesRow } from './index-rows.ts';
import { type ConditionContext, valuePredicate } from './search-conditions.ts';
import type { IndexedParam, ParamBranch, ResourceSearchModel } from './search-parameter-registry.ts';
import type { SearchParamClause } from './search-request.ts';
import { parseTokenValue, splitPrefix } from './search-values.ts';

/**
 * The patient series index (migration 010): one row per patient × coding × date of a resource,
 * `fhir_series (key, patient, code, hi) INCLUDE (system, lo, rid)`. It answers the query a
 * monitoring platform runs most, one patient's values of one code over time
 * (`Observation?patient=123&code=http://loinc.org|8867-4&date=ge2024-07-01&_sort=-date`), with one
 * index range instead of intersecting the patient's reference rows, the code's token rows and the
 * date rows (three sets of the patient's whole record). It is a combination index in the sense of
 * other FHIR servers' "combo" search parameters; the single-parameter rows stay the reference for
 * every other search, and the series rows are derived from them on write.
 *
 * Rows name the patient exactly (no hash, unlike `pk`), so the series set needs no reference check
 * behind it. A resource without a date gets one row per coding with a NULL range: it still matches
 * patient and code, never a date condition, and sorts last. A resource without a Patient subject or
 * without a coding has no rows, and could match no search the index answers.
 */
const seriesParams: Readonly<Record<string, { readonly code: string; readonly date: string }>> = {
  Observation: { code: 'code', date: 'date' },
};

/** The key path of a series in fhir_search_path (index_table `series`). */
export interface SeriesPath {
  readonly id: string;
  readonly resourceType: string;
  readonly table: 'series';
  readonly expression: string;
}

export interface SeriesSpec {
  readonly path: SeriesPath;
  /** The branches naming the resource's primary patient (the model's primaryPatient). */
  readonly patient: readonly ParamBranch[];
  readonly code: IndexedParam;
  readonly date: IndexedParam;
}

const specs = new WeakMap<ResourceSearchModel, SeriesSpec | null>();

/** The series a resource type has, if any. */
export function seriesSpec(model: ResourceSearchModel): SeriesSpec | undefined {
  let spec = specs.get(model);
  if (spec === undefined) {
    const names = seriesParams[model.resourceType];
    const code = names ? model.params.get(names.code) : undefined;
    const date = names ? model.params.get(names.date) : undefined;
    spec =
      code?.type === 'token' && date?.type === 'date' && model.primaryPatient.length > 0
        ? {
            path: seriesPath(model.resourceType, [model.primaryPatient, code.branches, date.branches]),
            patient: model.primaryPatient,
            code,
            date,
          }
        : null;
    specs.set(model, spec);
  }
  return spec ?? undefined;
}

/** `Observation.subject;Observation.code;Observation.effective`: the branches of the three parts. */
function seriesPath(resourceType: string, parts: readonly (readonly ParamBranch[])[]): SeriesPath {
  const expression = parts.map((branches) => branches.map((b) => b.path.expression).join(' | ')).join(';');
  return { id: `${resourceType}|series|${expression}`, resourceType, table: 'series', expression };
}

/** The series rows of one resource, from its extracted single-parameter rows. */
export function seriesRows(index: Omit<ExtractedIndex, 'series'>, spec: SeriesSpec): SeriesRow[] {
  const patientPaths = new Set(spec.patient.map((b) => b.path));
  const codePaths = new Set(spec.code.branches.map((b) => b.path));
  const datePaths = new Set(spec.date.branches.map((b) => b.path));
  const patients: string[] = [];
  for (const r of index.reference) {
    if (patientPaths.has(r.path) && r.targetType === 'Patient' && !patients.includes(r.targetId)) patients.push(r.targetId);
  }
  if (patients.length === 0) return [];
  const codings = index.token.filter((t) => codePaths.has(t.path));
  if (codings.length === 0) return [];
  const dates: { loMs: number | null; hiMs: number | null }[] = index.date.filter((d) => datePaths.has(d.path));
  if (dates.length === 0) dates.push({ loMs: null, hiMs: null });
  const rows: SeriesRow[] = [];
  for (const patient of patients) {
    for (const c of codings) {
      for (const d of dates) rows.push({ path: spec.path, patient, system: c.system, code: c.code, loMs: d.loMs, hiMs: d.hiMs });
    }
  }
  return rows;
}

/** The clauses a series set answers, and its rows (`FROM fhir_series WHERE ...`). */
export interface SeriesSet {
  readonly source: string;
  readonly clauses: readonly SearchParamClause[];
}

/**
 * The series set for a search scoped to one patient (`scope`, see search-plan.ts) that names a code
 * of the series, and perhaps its date: undefined when the search does not have that shape. Only
 * values the single-parameter conditions would accept are taken (a value they reject keeps its
 * error there), and only codes with a code part (`system|` alone is left to the token rows).
 */
export function seriesSet(
  ctx: ConditionContext,
  model: ResourceSearchModel,
  spec: SeriesSpec,
  scope: { readonly clause: SearchParamClause; readonly patientId: string },
  clauses: readonly SearchParamClause[],
  key: number,
): SeriesSet | undefined {
  if (!onPatientBranches(spec, model.params.get(scope.clause.code))) return undefined;
  const code = clauses.find(
    (c) =>
      c.code === spec.code.code &&
      c.modifier === undefined &&
      c.values.length > 0 &&
      c.values.every((v) => parseTokenValue(v)?.code !== undefined),
  );
  if (!code) return undefined;
  const date = clauses.find(
    (c) =>
      c.code === spec.date.code &&
      c.modifier === undefined &&
      c.values.length > 0 &&
      c.values.every((v) => parseDateRange(splitPrefix(v).rest) !== undefined),
  );
  const p = ctx.params;
  const where = [`key = ${p.add(key, 'int')}`, `patient = ${p.add(scope.patientId, 'text')}`];
  where.push(`(${code.values.map((v) => valuePredicate(ctx, spec.code, undefined, v) as string).join(' OR ')})`);
  if (date) where.push(`(${date.values.map((v) => valuePredicate(ctx, spec.date, undefined, v) as string).join(' OR ')})`);
  return {
    source: `FROM fhir_series WHERE ${where.join(' AND ')}`,
    clauses: date ? [scope.clause, code, date] : [scope.clause, code],
  };
}

/** Whether a reference parameter names the patient through exactly the series' patient branches. */
function onPatientBranches(spec: SeriesSpec, param: IndexedParam | undefined): boolean {
  if (param?.type !== 'reference') return false;
  const own = new Set(param.branches.map((b) => b.path));
  return own.size === spec.patient.length && spec.patient.every((b) => own.has(b.path));
}
