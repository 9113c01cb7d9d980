import { isVitaltwinError, type ProblemDetail } from '@vitaltwin/core';

/**
 * One thing that went wrong during an import, located as a user finds it again: the file, the
 * line (NDJSON) and the JSON path inside the file (`entry[12].resource.birthDate` for a Bundle
 * entry, `Patient.birthDate` for an NDJSON line), e.g.
 * `Bennett146.json: entry[12].resource.birthDate: Invalid date`.
 */
export interface ImportProblem {
  readonly file: string;
  /** 1-based line of an NDJSON file. */
  readonly line?: number;
  readonly path?: string;
  readonly message: string;
}

/** Where an item came from inside its file. */
export type ItemLocation =
  | { readonly kind: 'entry'; readonly index: number }
  | { readonly kind: 'line'; readonly line: number }
  | { readonly kind: 'resource' };

export function formatProblem(p: ImportProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/**
 * The JSON path of a FHIRPath `expression` reported for a resource (`Patient.birthDate`, as the
 * validator reports it) at `location`: inside a Bundle the leading type becomes `entry[i].resource`.
 */
export function pathAt(location: ItemLocation, expression: string | undefined): string | undefined {
  // `Patient.birthDate` -> `.birthDate`; a bare element name (`resourceType`) -> `.resourceType`.
  const rest =
    expression === undefined
      ? ''
      : /^[A-Z][A-Za-z]*(?=[.[]|$)/.test(expression)
        ? expression.replace(/^[A-Z][A-Za-z]*/, '')
        : `.${expression}`;
  switch (location.kind) {
    case 'entry':
      return `entry[${location.index}].resource${rest}`;
    case 'line':
    case 'resource':
      return expression;
  }
}

export function problemAt(file: string, location: ItemLocation, detail: ProblemDetail, resource?: unknown): ImportProblem {
  const expression =
    resource !== undefined && detail.expression !== undefined ? concretePath(resource, detail.expression) : detail.expression;
  const path = pathAt(location, expression);
  return {
    file,
    ...(location.kind === 'line' ? { line: location.line } : {}),
    ...(path !== undefined ? { path } : {}),
    message: detail.message,
  };
}

/** The problems an error carries, each located at `location` (the error's message when it has none). */
export function problemsOfError(file: string, location: ItemLocation | undefined, error: unknown): ImportProblem[] {
  const details: ProblemDetail[] =
    isVitaltwinError(error) && error.problems.length > 0
      ? error.problems.map((p) => ({ ...p, message: p.message === 'invalid' ? error.message : p.message }))
      : [{ message: error instanceof Error ? error.message : String(error) }];
  if (location === undefined) return details.map((d) => ({ file, ...(d.expression ? { path: d.expression } : {}), message: d.message }));
  return details.map((d) => problemAt(file, location, d));
}

/**
 * The validator names choice elements by their definition (`Observation.effective[x]`); the file
 * has one concrete name (`effectiveDateTime`, R4 formats.html#choice). Replaces each `[x]` with the
 * name present in `resource`, leaving the expression as it is where the path cannot be followed.
 */
export function concretePath(resource: unknown, expression: string): string {
  if (!expression.includes('[x]')) return expression;
  const segments = expression.split('.');
  let node: unknown = resource;
  const out = [segments[0]!];
  for (const segment of segments.slice(1)) {
    const m = /^([A-Za-z]+)(\[x\])?((?:\[\d+\])*)$/.exec(segment);
    if (!m || typeof node !== 'object' || node === null) return expression;
    let name = m[1]!;
    if (m[2]) {
      const base = name;
      const found = Object.keys(node).find((k) => k.length > base.length && k.startsWith(base) && /[A-Z]/.test(k[base.length]!));
      if (found === undefined) return expression;
      name = found;
    }
    out.push(`${name}${m[3]}`);
    node = (node as Record<string, unknown>)[name];
    for (const index of m[3]!.matchAll(/\[(\d+)\]/g)) node = Array.isArray(node) ? node[Number(index[1])] : undefined;
  }
  return out.join('.');
}
