/**
 * Conditional criteria of the form `identifier=[system]|value` (one token, R4 search 3.1.1.4.10),
 * which is how Synthea and most exporters reference practitioners and organizations. These can be
 * matched from memory and answered with a placeholder; other criteria go to the store's search.
 */
export interface IdentifierCriteria {
  /** undefined: any system (`identifier=value`); '' : no system (`identifier=|value`). */
  readonly system: string | undefined;
  readonly value: string;
}

export function identifierCriteria(criteria: string): IdentifierCriteria | undefined {
  const params = [...new URLSearchParams(criteria.startsWith('?') ? criteria.slice(1) : criteria)];
  if (params.length !== 1) return undefined;
  const [name, token] = params[0]!;
  if (name !== 'identifier' || token === '' || /(^|[^\\]),/.test(token)) return undefined;
  const bar = token.search(/(?<!\\)\|/);
  const unescaped = (s: string) => s.replace(/\\([|,$\\])/g, '$1');
  if (bar < 0) return { system: undefined, value: unescaped(token) };
  const value = unescaped(token.slice(bar + 1));
  return value === '' ? undefined : { system: unescaped(token.slice(0, bar)), value };
}
