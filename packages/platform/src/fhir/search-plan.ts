import { chainedCondition, isChained } from './chained-search.ts';
import { documentModifierFilter, isDocumentModifier } from './document-modifiers.ts';
import { patientKey } from './index-rows.ts';
import { isMetaParam, type MetaFilter, type MetaParamCode, metaFilter } from './meta-params.ts';
import { columnFilter } from './resource-column-filter.ts';
import { type ConditionContext, paramCondition, parseReferenceValue } from './search-conditions.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import { columnParams, type IndexedParam, type ResourceSearchModel } from './search-parameter-registry.ts';
import type { SearchParamClause, SearchRequest } from './search-request.ts';
import { seriesSet, seriesSpec } from './series-index.ts';
import { SqlParams } from './sql-params.ts';

/**
 * A search request resolved against the search model: the index conditions (sets of resource
 * keys to intersect or exclude), the conditions on fhir_resource columns (_id, _lastUpdated), the
 * one patient the search is scoped to (if any), and what could not be honoured. Unsupported
 * parameters and modifiers are never dropped silently: they become warnings (or errors under
 * `Prefer: handling=strict`), and malformed values are errors.
 */
export interface SearchPlan {
  readonly request: SearchRequest;
  readonly model: ResourceSearchModel;
  readonly params: SqlParams;
  readonly keys: SearchIndexKeys;
  readonly positive: readonly KeySet[];
  readonly negative: readonly string[];
  /** Predicates on fhir_resource aliased `r`. */
  readonly resourceFilters: readonly string[];
  /** The patient every result must belong to, when a clause says so (drives device readings and `pk`). */
  readonly patientId?: string;
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

/** SQL selecting the keys (`rid`) of the resources that meet one clause. */
export interface KeySet {
  readonly sql: string;
  /** The parameter code of the clause. */
  readonly code: string;
  /**
   * The set holds one patient's index rows at most: it carries the patient hint (`pk`), or it is
   * the clause that scopes the search to that patient.
   */
  readonly patientBounded: boolean;
  /**
   * The date parameter this set can also yield a sort value for, and the rows it selects (`FROM ...
   * WHERE ...`, with `lo` and `hi` columns): a search sorted by that parameter takes the extreme of
   * the rows it already scans instead of probing the date rows again per match.
   */
  readonly sortable?: { readonly code: string; readonly source: string };
}

export interface PlanOptions {
  readonly keys: SearchIndexKeys;
  readonly nowMs: number;
  readonly baseUrl?: string;
  /** false: answer every clause from the single-parameter rows (the reference the series index is tested against). */
  readonly seriesIndex?: boolean;
  /** Parameters to continue (several plans in one statement); a new list by default. */
  readonly params?: SqlParams;
}

export function planSearch(model: ResourceSearchModel, request: SearchRequest, options: PlanOptions): SearchPlan {
  const params = options.params ?? new SqlParams();
  const warnings: string[] = [];
  const errors: string[] = [...request.problems];
  const positive: KeySet[] = [];
  const negative: string[] = [];
  const resourceFilters: string[] = [];
  const scope = patientScope(model, request.clauses, options.baseUrl);
  const ctx: ConditionContext = {
    params,
    keys: options.keys,
    nowMs: options.nowMs,
    ...(scope ? { patientKey: patientKey(scope.patientId) } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  };
  const spec = scope && options.seriesIndex !== false ? seriesSpec(model) : undefined;
  const series = spec && scope ? seriesSet(ctx, model, spec, scope, request.clauses, options.keys.key(spec.path)) : undefined;
  if (spec && series) {
    const date = series.clauses.find((c) => c.code === spec.date.code);
    positive.push({
      sql: `SELECT rid ${series.source}`,
      code: date?.code ?? spec.code.code,
      patientBounded: true,
      sortable: { code: spec.date.code, source: series.source },
    });
  }
  for (const clause of request.clauses) {
    if (series?.clauses.includes(clause)) continue;
    if (Object.hasOwn(columnParams, clause.code)) {
      const filter = columnFilter(params, clause, options.nowMs);
      if (filter.startsWith('!')) errors.push(filter.slice(1));
      else resourceFilters.push(filter);
      continue;
    }
    // Filters on the stored document: a clause left out leaves no parameters behind (see below).
    const documentFilter = (build: () => MetaFilter) => {
      const mark = params.values.length;
      const filter = build();
      if ('sql' in filter) resourceFilters.push(filter.sql);
      else {
        params.truncate(mark);
        if ('invalid' in filter) errors.push(filter.invalid);
        else warnings.push(`${filter.unsupported}; ${clause.raw} was ignored`);
      }
    };
    if (isMetaParam(clause.code)) {
      documentFilter(() => metaFilter(params, { ...clause, code: clause.code as MetaParamCode }));
      continue;
    }
    if (isChained(clause)) {
      const mark = params.values.length;
      const result = chainedCondition(ctx, model, clause);
      if (result.kind !== 'set') params.truncate(mark);
      if (result.kind === 'set') positive.push({ sql: result.sql, code: clause.code, patientBounded: false });
      else if (result.kind === 'invalid') errors.push(result.message);
      else warnings.push(result.message);
      continue;
    }
    const param = model.params.get(clause.code);
    if (!param) {
      const why = model.unsupported.get(clause.code)?.reason;
      warnings.push(
        why
          ? `search parameter ${clause.code} is not supported (${why}); it was ignored`
          : `unknown search parameter ${clause.code} for ${model.resourceType}; it was ignored`,
      );
      continue;
    }
    if (isDocumentModifier(param, clause)) {
      documentFilter(() => documentModifierFilter(params, param, clause));
      continue;
    }
    // The scoping clause itself is a reference condition: it is the exact check behind the hint.
    const mark = params.values.length;
    const result = paramCondition(ctx, param, clause);
    // A clause left out leaves no parameters behind: the statement would not use them, and
    // PostgreSQL cannot type a parameter no expression uses (SQLSTATE 42P18).
    if (result.kind !== 'set') params.truncate(mark);
    switch (result.kind) {
      case 'set':
        if (result.negated) negative.push(result.sql);
        else
          positive.push({
            sql: result.sql,
            code: clause.code,
            patientBounded: result.patientBounded || clause === scope?.clause,
            ...(param.type === 'date' ? { sortable: { code: clause.code, source: result.source } } : {}),
          });
        break;
      case 'unsupported':
        warnings.push(`${result.message}; ${clause.raw} was ignored`);
        break;
      case 'invalid':
        errors.push(result.message);
        break;
    }
  }
  return {
    request,
    model,
    params,
    keys: options.keys,
    positive,
    negative,
    resourceFilters,
    ...(scope ? { patientId: scope.patientId } : {}),
    warnings,
    errors,
  };
}

/**
 * A clause that pins every result to one patient through the resource's primary patient reference
 * (Observation `patient=123`, `subject=Patient/123`, `subject:Patient=123`): single value, all of
 * the parameter's branches primary, and the target known to be a Patient.
 */
function patientScope(model: ResourceSearchModel, clauses: readonly SearchParamClause[], baseUrl?: string) {
  const primary = new Set(model.primaryPatient.map((b) => b.path));
  for (const clause of clauses) {
    const param: IndexedParam | undefined = model.params.get(clause.code);
    if (param?.type !== 'reference' || clause.values.length !== 1) continue;
    if (clause.modifier !== undefined && clause.modifier !== 'Patient') continue;
    if (param.branches.length === 0 || !param.branches.every((b) => primary.has(b.path))) continue;
    const target = parseReferenceValue(clause.values[0]!, baseUrl);
    if (!target || target.type === '') continue;
    const impliedPatient =
      clause.modifier === 'Patient' ||
      param.branches.every((b) => b.targetType === 'Patient') ||
      (param.targets.length === 1 && param.targets[0] === 'Patient');
    const type = target.type ?? (impliedPatient ? 'Patient' : undefined);
    if (type === 'Patient') return { clause, patientId: target.id };
  }
  return undefined;
}
