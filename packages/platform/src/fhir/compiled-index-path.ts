import {
  AsAtom,
  type Atom,
  capitalize,
  DotAtom,
  EqualsAtom,
  FhirPathAtom,
  FunctionAtom,
  getElementDefinition,
  LiteralAtom,
  SymbolAtom,
  type TypedValue,
} from '@medplum/core';

/**
 * Compiles the simple FHIRPath branches of search parameters into direct walks over the resource
 * JSON that return the same typed values as the @medplum/core 4.5 evaluator, without its per-step
 * schema look-ups (extracting index rows is a large part of a resource write's CPU). Recognised
 * forms, which cover all but one branch of the R4 SearchParameters of the resource types Synthea
 * writes (and 1,678 of the 1,680 branches of all R4 resource types):
 *  - member navigation `Observation.component.code` (FHIRPath N1 "Path selection": each step
 *    selects the children of that name of every item, collections are flattened, and a missing
 *    element selects nothing);
 *  - choice types [x]: `Observation.value` reads whichever of valueQuantity, valueCodeableConcept,
 *    ... is present, typed by the suffix (FHIR R4 fhirpath.html: choice elements are named without
 *    [x] and the JSON split of primitives is not visible; R4 formats.html#choice);
 *  - type filters `(X as T)`, `X.as(T)` (rewritten to the operator by asOperatorForm) and
 *    `X.ofType(T)` (N1 "as type specifier", "ofType(type)"; like medplum, on the exact type name);
 *  - `X.where(field = 'literal')` (N1 "where(criteria)", "= (Equals)": an item passes when `field`
 *    selects exactly one value equal to the literal), e.g. `telecom.where(system='phone')`.
 * `X.where(resolve() is T)` never reaches here: branchesFor() strips it into a reference target
 * filter. Anything else (unions, indexers, exists(), boolean operators, other functions) is not
 * compiled and stays with the FHIRPath evaluator.
 *
 * Where the evaluator's result depends on more than the schema and the JSON shape the walk
 * models, the walk gives up and returns undefined, and the caller evaluates the branch with FHIRPath:
 *  - a primitive extension `_field` beside or instead of `field` (R4 json.html#primitive: the value
 *    and its id/extensions are one element). medplum merges the two into a boxed value, and `_field`
 *    alone holds no primitive value, so neither yields a string, date or code row;
 *  - an object item whose type has no schema element for the next step (medplum then types the
 *    children from their JSON shape), or whose type was not foreseen at compile time;
 *  - an exception (the evaluator may raise one on the same input).
 * The other details follow medplum 4.5.2 fhirpath/utils.ts getTypedPropertyValueWithSchema and
 * fhirpath/atoms.ts SymbolAtom: choice candidates are tried in the element's type order and the
 * first present one wins; an empty string, object or array selects nothing, but the members of a
 * non-empty array are kept whatever they are (only undefined is dropped); a step named like the
 * item's resourceType selects the item itself; primitives have no children.
 */

/** The values a branch selects from `input`, or undefined when only FHIRPath can tell. */
export type IndexPathWalker = (input: TypedValue) => TypedValue[] | undefined;

export interface CompiledIndexPath {
  readonly evaluate: IndexPathWalker;
  /** The types of the values it can select (for compiling what is evaluated on them). */
  readonly outputTypes: readonly string[];
  /**
   * For a branch `R.x...` compiled for resources of type R: the top-level JSON keys of x (xQuantity,
   * _xQuantity, ...). On a resource whose resourceType and FHIRPath type are R and that has none of
   * them, the walk selects nothing, so it need not run.
   */
  readonly topLevelKeys?: readonly string[];
}

/** Compiles `atom` for inputs of the given types; undefined when the expression is not a recognised form. */
export function compileIndexPath(atom: Atom, inputTypes: readonly string[]): CompiledIndexPath | undefined {
  const chain = flatten(atom instanceof FhirPathAtom ? atom.child : atom);
  if (!chain) return undefined;
  const compiled = compileChain(chain, new Set(inputTypes), collect);
  if (!compiled) return undefined;
  const visit = compiled.visit;
  const topLevelKeys = keysOfSecondStep(chain, inputTypes);
  return {
    evaluate: (input) => {
      const out: TypedValue[] = [];
      try {
        return visit(input.type, input.value, out) ? out : undefined;
      } catch {
        return undefined;
      }
    },
    outputTypes: [...compiled.types],
    ...(topLevelKeys ? { topLevelKeys } : {}),
  };
}

/**
 * `R.x...` on an item of type R whose resourceType is R: the first step selects the item itself,
 * and the second reads only the candidate keys of x (and their `_` keys) before selecting nothing.
 */
function keysOfSecondStep(chain: readonly Link[], inputTypes: readonly string[]): string[] | undefined {
  const [first, second] = chain;
  if (inputTypes.length !== 1 || first?.kind !== 'member' || first.name !== inputTypes[0] || second?.kind !== 'member') return undefined;
  if (second.name === first.name) return undefined;
  const candidates = compileMember(second.name, new Set([first.name]))?.byType.get(first.name);
  return candidates ? candidates.flatMap((c) => [c.key, c.extensionKey]) : undefined;
}

/**
 * Every recognised form maps each item to zero or more items independently of the others, so a
 * chain of them is evaluated depth first, item by item, in the same order as the evaluator's
 * collection-at-a-time flatMap. A visitor passes what it selects from one item (its type and
 * value) to the next, and returns false to give up.
 */
type Visit = (type: string, value: unknown, out: TypedValue[]) => boolean;
type Link =
  | { readonly kind: 'member'; readonly name: string }
  | { readonly kind: 'ofType'; readonly type: string }
  | { readonly kind: 'where'; readonly field: string; readonly literal: string };

const collect: Visit = (type, value, out) => {
  out.push({ type, value });
  return true;
};

/** The expression as a chain of links, or undefined when it has another form. */
function flatten(atom: Atom): Link[] | undefined {
  if (atom instanceof SymbolAtom) {
    return atom.name.startsWith('$') || atom.name.startsWith('%') ? undefined : [{ kind: 'member', name: atom.name }];
  }
  if (atom instanceof DotAtom) {
    const left = flatten(atom.left);
    const right = left && flatten(atom.right);
    return right && [...left!, ...right];
  }
  // `X as T`: medplum evaluates it as ofType(T) (fhirpath/atoms.ts AsAtom).
  if (atom instanceof AsAtom && atom.right instanceof SymbolAtom) {
    const left = flatten(atom.left);
    return left && [...left, { kind: 'ofType', type: atom.right.name }];
  }
  if (atom instanceof FunctionAtom && atom.name === 'ofType' && atom.args.length === 1 && atom.args[0] instanceof SymbolAtom) {
    return [{ kind: 'ofType', type: atom.args[0].name }];
  }
  if (atom instanceof FunctionAtom && atom.name === 'where' && atom.args.length === 1) {
    const criteria = atom.args[0];
    if (!(criteria instanceof EqualsAtom) || !(criteria.left instanceof SymbolAtom) || !(criteria.right instanceof LiteralAtom)) {
      return undefined;
    }
    const literal = criteria.right.value.value as unknown;
    return typeof literal === 'string' ? [{ kind: 'where', field: criteria.left.name, literal }] : undefined;
  }
  return undefined;
}

/** Compiles the chain from the end, each link calling the next; also tracks the possible item types. */
function compileChain(
  chain: readonly Link[],
  inputTypes: ReadonlySet<string>,
  last: Visit,
): { visit: Visit; types: ReadonlySet<string> } | undefined {
  // Forward pass: the item types before each link.
  const typesBefore: ReadonlySet<string>[] = [];
  let types = inputTypes;
  const members: (Member | undefined)[] = [];
  for (const link of chain) {
    typesBefore.push(types);
    if (link.kind === 'member') {
      const member = compileMember(link.name, types);
      if (!member) return undefined;
      members.push(member);
      types = member.types;
    } else {
      members.push(undefined);
      if (link.kind === 'ofType') types = new Set([link.type]);
    }
  }
  let visit = last;
  for (let i = chain.length - 1; i >= 0; i--) {
    const link = chain[i]!;
    const next = visit;
    if (link.kind === 'member') {
      visit = memberVisit(members[i]!, next);
    } else if (link.kind === 'ofType') {
      const wanted = link.type;
      // medplum's ofType keeps the items whose type is exactly T (fhirpath/functions.ts).
      visit = (type, value, out) => type !== wanted || next(type, value, out);
    } else {
      const field = compileMember(link.field, typesBefore[i]!);
      if (!field) return undefined;
      visit = whereVisit(field, link.literal, next);
    }
  }
  return { visit, types };
}

/** One way an element can be present: its JSON key, the key of its primitive extension, and the FHIR type. */
interface Candidate {
  readonly key: string;
  readonly extensionKey: string;
  readonly type: string;
}
interface Member {
  readonly name: string;
  /** Per input type: the candidate keys, or null when the type has no such element. */
  readonly byType: ReadonlyMap<string, readonly Candidate[] | null>;
  readonly types: ReadonlySet<string>;
}

/**
 * A member step `name`: per input type, the candidate JSON keys from the type's schema (one for a
 * plain element, one per type for a choice element, in the element's type order).
 */
function compileMember(name: string, inputTypes: ReadonlySet<string>): Member | undefined {
  const byType = new Map<string, readonly Candidate[] | null>();
  const types = new Set<string>();
  for (const inputType of inputTypes) {
    // The item itself when it is a resource of that name (the first step of `Observation.code`).
    if (inputType === name) types.add(inputType);
    const element = getElementDefinition(inputType, name);
    if (!element) {
      byType.set(inputType, null);
      continue;
    }
    const segment = element.path.slice(element.path.lastIndexOf('.') + 1);
    const candidates: Candidate[] = [];
    for (const t of element.type ?? []) {
      // Resource-typed elements take the type of the contained resource: not modelled here.
      if (t.code === 'Resource') return undefined;
      const key = segment.replace('[x]', capitalize(t.code));
      const type = t.code === 'Element' || t.code === 'BackboneElement' ? element.type[0]!.code : t.code;
      candidates.push({ key, extensionKey: `_${key}`, type });
      types.add(type);
    }
    byType.set(inputType, candidates);
  }
  return { name, byType, types };
}

/** The candidates for an item of `type`, or undefined to give up (no schema element, or a type not foreseen). */
function candidatesFor(member: Member, type: string): readonly Candidate[] | undefined {
  return member.byType.get(type) ?? undefined;
}

function memberVisit(member: Member, next: Visit): Visit {
  const name = member.name;
  // Most steps have one input type: look it up once.
  const single = member.byType.size === 1 ? [...member.byType][0]! : undefined;
  return (type, value, out) => {
    if (!value || typeof value !== 'object') return true;
    const object = value as Record<string, unknown>;
    if (object['resourceType'] === name) return next(type, value, out);
    const candidates = single && single[0] === type ? single[1] : candidatesFor(member, type);
    if (!candidates) return false;
    for (const c of candidates) {
      if (object[c.extensionKey] !== undefined) return false;
      const selected = object[c.key];
      if (selected === undefined) continue;
      if (isEmpty(selected)) return true;
      if (!Array.isArray(selected)) return next(c.type, selected, out);
      for (const item of selected) if (item !== undefined && !next(c.type, item, out)) return false;
      return true;
    }
    return true;
  };
}

/** `where(field = 'literal')`: fhirPathArrayEquals of the one selected value with the literal, then fhirPathEquals (===). */
function whereVisit(field: Member, literal: string, next: Visit): Visit {
  const select = memberVisit(field, collect);
  return (type, value, out) => {
    const values: TypedValue[] = [];
    if (!select(type, value, values)) return false;
    if (values.length !== 1) return true;
    const selected = values[0]!.value as { valueOf(): unknown } | null;
    return selected?.valueOf() !== literal || next(type, value, out);
  };
}
/** medplum's isEmpty: null, undefined, '', and objects or arrays without own keys (or length). */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v === '';
  if (typeof v !== 'object') return false;
  const length = (v as { length?: unknown }).length;
  if ('length' in v && (length as number) > 0) return false;
  for (const key in v) if (Object.hasOwn(v, key)) return false;
  return true;
}
