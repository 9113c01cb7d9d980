import { type FhirPathAtom, getSearchParameters, parseFhirPath } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import { compileIndexPath, type IndexPathWalker } from './compiled-index-path.ts';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { asOperatorForm, branchesFor } from './fhirpath-branches.ts';

/**
 * Which search parameters this server answers and how: built from the R4 SearchParameter
 * definitions, and the one source for the indexer (what to extract), the query builder (which
 * index rows to match) and the CapabilityStatement (what to advertise).
 */
export type IndexTable = 'token' | 'string' | 'date' | 'quantity' | 'reference' | 'number' | 'uri' | 'composite';
export type SearchParamType = IndexTable | 'special';
export type CompositePartKind = 'token' | 'quantity';

export interface CompositeComponent {
  readonly kind: CompositePartKind;
  readonly expression: string;
  readonly atom: FhirPathAtom;
}

/** One FHIRPath branch of one resource type, stored as `key` in the index tables. */
export interface IndexPath {
  /** Stable identity: resource type, table and expression. */
  readonly id: string;
  readonly resourceType: string;
  readonly expression: string;
  readonly table: IndexTable;
  readonly atom: FhirPathAtom;
  /**
   * The top-level element the branch starts from (`value` for `(Observation.value as Quantity)`),
   * so the indexer can skip branches whose element the resource does not have without evaluating.
   */
  readonly root?: string;
  /** Composite parameters: the two components, evaluated on each item the expression selects. */
  readonly components?: readonly [CompositeComponent, CompositeComponent];
  /** A direct JSON walk equivalent to `atom`, when the expression is a simple one (compiled-index-path.ts). */
  readonly walker?: IndexPathWalker;
  /** The top-level keys without which the walk selects nothing (CompiledIndexPath.topLevelKeys). */
  readonly walkerKeys?: readonly string[];
  /** The same for the two components, on the items this branch selects. */
  readonly componentWalkers?: readonly [IndexPathWalker | undefined, IndexPathWalker | undefined];
}

export interface ParamBranch {
  readonly path: IndexPath;
  /** Reference filter from `.where(resolve() is T)`. */
  readonly targetType?: string;
}

export interface IndexedParam {
  readonly code: string;
  readonly type: IndexTable;
  readonly resourceType: string;
  readonly url: string;
  readonly description?: string;
  readonly branches: readonly ParamBranch[];
  /** Allowed reference targets (SearchParameter.target). */
  readonly targets: readonly string[];
}

export interface UnsupportedParam {
  readonly code: string;
  readonly type: SearchParamType;
  readonly reason: string;
}

export interface ResourceSearchModel {
  readonly resourceType: string;
  readonly params: ReadonlyMap<string, IndexedParam>;
  readonly unsupported: ReadonlyMap<string, UnsupportedParam>;
  /** Every distinct branch to extract on write. */
  readonly paths: readonly IndexPath[];
  /** Branches whose Patient reference is the resource's primary patient (index column `pk`). */
  readonly primaryPatient: readonly ParamBranch[];
  /** Branches that put the resource in a patient's compartment, primary first (column patient_id). */
  readonly compartment: readonly ParamBranch[];
}

/** Parameters answered from columns of fhir_resource rather than index rows (FHIR R4 search 3.1.1.5). */
export const columnParams = {
  _id: { type: 'token', url: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
  _lastUpdated: { type: 'date', url: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
} as const;

const models = new Map<string, ResourceSearchModel | null>();

/** Every R4 resource type (from the loaded StructureDefinitions), sorted by name. */
export function fhirResourceTypes(): readonly string[] {
  return loadFhirDefinitions().resourceTypes;
}

export function isFhirResourceType(type: string): boolean {
  return searchModel(type) !== undefined;
}

/** The search model of a resource type, or undefined for an unknown type. */
export function searchModel(resourceType: string): ResourceSearchModel | undefined {
  let model = models.get(resourceType);
  if (model === undefined) {
    model = loadFhirDefinitions().resourceTypeSet.has(resourceType) ? buildModel(resourceType) : null;
    models.set(resourceType, model);
  }
  return model ?? undefined;
}

function buildModel(resourceType: string): ResourceSearchModel {
  const defs = loadFhirDefinitions();
  const params = new Map<string, IndexedParam>();
  const unsupported = new Map<string, UnsupportedParam>();
  const paths = new Map<string, IndexPath>();
  const pathFor = (expression: string, table: IndexTable, components?: readonly [CompositeComponent, CompositeComponent]) => {
    const id = `${resourceType}|${table}|${expression}${components ? `$${components[0].expression}$${components[1].expression}` : ''}`;
    let path = paths.get(id);
    if (!path) {
      // Only for branches that yield nothing when their root is absent (no exists(), comparisons ...).
      const total = /=|exists\(|empty\(|not\(|count\(|iif\(| and | or | is |hasValue|memberOf/.test(expression);
      const root = total ? undefined : new RegExp(`^\\(*${resourceType}\\.([A-Za-z]+)`).exec(expression)?.[1];
      const atom = parseFhirPath(asOperatorForm(expression));
      const compiled = compileIndexPath(atom, [resourceType]);
      const componentWalkers =
        compiled && components
          ? ([
              compileIndexPath(components[0].atom, compiled.outputTypes)?.evaluate,
              compileIndexPath(components[1].atom, compiled.outputTypes)?.evaluate,
            ] as const)
          : undefined;
      path = {
        id,
        resourceType,
        expression,
        table,
        atom,
        ...(root ? { root } : {}),
        ...(components ? { components } : {}),
        ...(compiled ? { walker: compiled.evaluate } : {}),
        ...(compiled?.topLevelKeys ? { walkerKeys: compiled.topLevelKeys } : {}),
        ...(componentWalkers ? { componentWalkers } : {}),
      };
      paths.set(id, path);
    }
    return path;
  };
  const all = Object.values(getSearchParameters(resourceType) ?? {}).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const sp of all) {
    const code = sp.code ?? '';
    if (Object.hasOwn(columnParams, code)) continue;
    // Keep only the published R4 parameters (the package adds server-internal ones).
    if (!sp.url || !defs.searchParametersByUrl.has(sp.url)) continue;
    const result = compile(sp, resourceType, pathFor, defs.searchParametersByUrl);
    if ('reason' in result) unsupported.set(code, result);
    else params.set(code, result);
  }
  const compartmentCodes = defs.patientCompartment.get(resourceType) ?? (params.has('patient') ? ['patient'] : []);
  const compartment: ParamBranch[] = [];
  for (const code of compartmentCodes) {
    const p = params.get(code);
    if (p?.type === 'reference') compartment.push(...p.branches);
  }
  const firstRef = compartmentCodes.map((c) => params.get(c)).find((p) => p?.type === 'reference');
  return {
    resourceType,
    params,
    unsupported,
    paths: [...paths.values()],
    primaryPatient: resourceType === 'Patient' ? [] : (firstRef?.branches ?? []),
    compartment,
  };
}

type PathFactory = (expression: string, table: IndexTable, components?: readonly [CompositeComponent, CompositeComponent]) => IndexPath;

function compile(
  sp: SearchParameter,
  resourceType: string,
  pathFor: PathFactory,
  byUrl: ReadonlyMap<string, SearchParameter>,
): IndexedParam | UnsupportedParam {
  const code = sp.code ?? '';
  const type = (sp.type ?? 'special') as SearchParamType;
  if (type === 'special') return { code, type, reason: 'special search parameters are not supported' };
  if (!sp.expression) return { code, type, reason: 'no FHIRPath expression' };
  const branches = branchesFor(sp.expression, resourceType);
  if (branches.length === 0) return { code, type, reason: `expression does not apply to ${resourceType}` };
  if (branches.some((b) => b.expression.includes('resolve()'))) return { code, type, reason: 'expression needs resolve()' };
  let components: readonly [CompositeComponent, CompositeComponent] | undefined;
  if (type === 'composite') {
    const parts = (sp.component ?? []).map((c) => ({ def: byUrl.get(c.definition ?? ''), expression: c.expression ?? '' }));
    const kinds = parts.map((p) => p.def?.type);
    if (parts.length !== 2 || kinds[0] !== 'token' || (kinds[1] !== 'token' && kinds[1] !== 'quantity')) {
      return { code, type, reason: `composite of ${kinds.join('$')} is not supported (token$token and token$quantity are)` };
    }
    const [first, second] = parts as [(typeof parts)[0], (typeof parts)[0]];
    components = [
      { kind: 'token', expression: first.expression, atom: parseFhirPath(asOperatorForm(first.expression)) },
      { kind: kinds[1] as CompositePartKind, expression: second.expression, atom: parseFhirPath(asOperatorForm(second.expression)) },
    ];
  }
  try {
    return {
      code,
      type,
      resourceType,
      url: sp.url ?? '',
      ...(sp.description ? { description: sp.description } : {}),
      branches: branches.map((b) => ({
        path: pathFor(b.expression, type, components),
        ...(b.targetType ? { targetType: b.targetType } : {}),
      })),
      targets: sp.target ?? [],
    };
  } catch {
    return { code, type, reason: 'expression could not be parsed' };
  }
}
