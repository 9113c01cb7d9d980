/**
 * R4 SearchParameter expressions are often shared by many resource types, written as a union:
 * `AllergyIntolerance.patient | CarePlan.subject.where(resolve() is Patient) | ...`. Only the branches
 * that start at the resource being indexed can yield values for it, so the indexer keeps those and
 * evaluates each once (evaluating the whole union per resource is ~30x slower). A trailing
 * `.where(resolve() is T)` narrows a reference to target type T; the indexer applies that as a
 * filter on the reference's type instead of resolving it (resolution needs the target, which may
 * not exist yet).
 */
export interface ExpressionBranch {
  /** The branch without a trailing `.where(resolve() is T)`, e.g. `Observation.subject`. */
  readonly expression: string;
  /** T from `.where(resolve() is T)`, when present. */
  readonly targetType?: string;
}

/** Splits a FHIRPath expression on its top-level `|` operators (not inside brackets or strings). */
export function splitUnion(expression: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (ch === "'" && expression[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '|' && depth === 0) {
      branches.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  branches.push(expression.slice(start).trim());
  return branches.filter((b) => b !== '');
}

const resolveFilter = /\.where\(resolve\(\) is ([A-Za-z]+)\)$/;

/** The branches of `expression` that apply to `resourceType`, with their reference-type filters. */
export function branchesFor(expression: string, resourceType: string): ExpressionBranch[] {
  const result: ExpressionBranch[] = [];
  for (const branch of splitUnion(expression)) {
    const bare = branch.replace(/^\(+/, '');
    if (bare !== resourceType && !bare.startsWith(`${resourceType}.`)) continue;
    const filter = resolveFilter.exec(branch);
    if (filter) result.push({ expression: branch.slice(0, filter.index), targetType: filter[1]! });
    else result.push({ expression: branch });
  }
  return result;
}

/**
 * Rewrites a trailing `X.as(T)` into the operator form `(X as T)`. Both mean the same in FHIRPath
 * (N1 §6.3), but the evaluator in @medplum/core 4.5 does not filter by type in the function form,
 * so `value.as(CodeableConcept)` would also return a Quantity.
 */
export function asOperatorForm(expression: string): string {
  const m = /^(.+)\.as\(([A-Za-z]+)\)$/.exec(expression);
  return m ? `(${m[1]} as ${m[2]})` : expression;
}
