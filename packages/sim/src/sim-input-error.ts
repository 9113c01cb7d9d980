/**
 * One problem with an input to the simulator, located by a JSON path (`meals[1].carbsG`) or, for CSV
 * input, by row and column (`row 12 (adult#002), column kabs`). `@vitaltwin/sim` depends on nothing,
 * so the edges (CLI, server) map these to `VitaltwinError` problems with `expression = path`.
 */
export interface SimProblem {
  readonly path: string;
  readonly message: string;
}

/** Thrown by the pure parsers and validators of `@vitaltwin/sim` when an input is rejected. */
export class SimInputError extends Error {
  readonly problems: readonly SimProblem[];

  constructor(message: string, problems: readonly SimProblem[]) {
    super(message);
    this.name = 'SimInputError';
    this.problems = problems;
  }
}

/** Prefixes every problem path with `prefix` (joined with a dot unless the path starts with `[`). */
export function prefixProblems(prefix: string, problems: readonly SimProblem[]): SimProblem[] {
  if (prefix === '') return [...problems];
  return problems.map((p) => ({
    path: p.path === '' ? prefix : p.path.startsWith('[') ? `${prefix}${p.path}` : `${prefix}.${p.path}`,
    message: p.message,
  }));
}
