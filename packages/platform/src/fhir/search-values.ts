import { splitEscaped, unescapeValue } from './search-request.ts';

/**
 * Parsing of search values by parameter type (FHIR R4 search 3.1.1.4): comparison prefixes,
 * numbers with their implicit precision, `system|code` tokens and `number|system|code` quantities.
 */
export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

const prefixes: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

export function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  if (value.length > 2 && (prefixes as readonly string[]).includes(head) && !/^[a-z]/.test(value.slice(2))) {
    return { prefix: head as Prefix, rest: value.slice(2) };
  }
  return { prefix: 'eq', rest: value };
}

export interface NumberRange {
  readonly value: number;
  /** [lo, hi): the interval the value stands for at its precision (R4 3.1.1.4.1: "100" is [99.5, 100.5)). */
  readonly lo: number;
  readonly hi: number;
}

const numberPattern = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export function parseNumberRange(text: string): NumberRange | undefined {
  const m = numberPattern.exec(text);
  if (!m) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  const decimals = m[2]?.length ?? 0;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  const half = 0.5 * 10 ** (exponent - decimals);
  return { value, lo: value - half, hi: value + half };
}

export interface TokenValue {
  /** undefined: any system; '': no system (`|code`). */
  readonly system?: string;
  /** undefined: any code (`system|`). */
  readonly code?: string;
}

export function parseTokenValue(text: string): TokenValue | undefined {
  const parts = splitEscaped(text, '|');
  if (parts.length === 1) return parts[0] === '' ? undefined : { code: unescapeValue(parts[0]!) };
  if (parts.length !== 2) return undefined;
  const [system, code] = parts as [string, string];
  if (system === '' && code === '') return undefined;
  return { system: unescapeValue(system), ...(code !== '' ? { code: unescapeValue(code) } : {}) };
}

export interface QuantityValue {
  readonly prefix: Prefix;
  readonly number: NumberRange;
  readonly system?: string;
  readonly code?: string;
}

export function parseQuantityValue(text: string): QuantityValue | undefined {
  const { prefix, rest } = splitPrefix(text);
  const parts = splitEscaped(rest, '|');
  if (parts.length !== 1 && parts.length !== 3) return undefined;
  const number = parseNumberRange(parts[0]!);
  if (!number) return undefined;
  const system = parts[1] ? unescapeValue(parts[1]) : undefined;
  const code = parts[2] ? unescapeValue(parts[2]) : undefined;
  return { prefix, number, ...(system ? { system } : {}), ...(code ? { code } : {}) };
}
