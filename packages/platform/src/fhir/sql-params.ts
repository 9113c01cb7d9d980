/** Collects positional parameters ($1, $2, ...) while a statement is assembled, each with an explicit cast. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  /** Drops the parameters added after `mark` (a fragment that was built and then abandoned). */
  truncate(mark: number): void {
    this.values.length = mark;
  }
}

/** Escapes LIKE wildcards so user text matches literally (with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
