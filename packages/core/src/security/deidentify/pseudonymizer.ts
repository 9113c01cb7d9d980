import type { KeyedHash } from '../sha256.ts';

/**
 * Stable pseudonyms from a keyed hash (HMAC with a secret the data recipient never sees): the same
 * input always gives the same pseudonym, so records still link, and without the secret a pseudonym
 * cannot be traced back (45 CFR 164.514(c): a re-identification code must not be derived from the
 * identifier in a way that can be reversed).
 */
export interface Pseudonymizer {
  /** Resource id → UUID-shaped pseudonym (so `urn:uuid:` references stay valid). */
  resourceId(id: string): string;
  /** Identifier value (SSN, MRN, licence, ...) → pseudonym, keyed by system too. */
  identifier(system: string | undefined, value: string): string;
  /** Whole days to shift this patient's dates by: never 0, within ±maxShiftDays. */
  dateShiftDays(patientKey: string): number;
}

export interface PseudonymizerOptions {
  /** Largest date shift in days (default 365). */
  readonly maxShiftDays?: number;
}

const hex = (bytes: Uint8Array, count: number) => {
  let s = '';
  for (let i = 0; i < count; i++) s += (bytes[i] as number).toString(16).padStart(2, '0');
  return s;
};

/** RFC 9562 §5.8 UUIDv8 layout (custom bits, version 8, variant 10) over 16 hash bytes. */
function uuidFromBytes(bytes: Uint8Array): string {
  const b = bytes.slice(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = hex(b, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Memoises a string function, forgetting everything past `limit` entries to bound memory. */
function memo(fn: (s: string) => string, limit = 100_000): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    const hit = cache.get(s);
    if (hit !== undefined) return hit;
    const value = fn(s);
    if (cache.size >= limit) cache.clear();
    cache.set(s, value);
    return value;
  };
}

export function createPseudonymizer(hash: KeyedHash, options: PseudonymizerOptions = {}): Pseudonymizer {
  const maxShift = options.maxShiftDays ?? 365;
  if (!Number.isInteger(maxShift) || maxShift < 1) throw new RangeError('maxShiftDays must be a whole number ≥ 1');
  // Domain-separated messages, so an id and an identifier with the same text get different pseudonyms.
  const resourceId = memo((id) => uuidFromBytes(hash(`resource-id\u0000${id}`)));
  const identifier = memo((key) => hex(hash(`identifier\u0000${key}`), 16));
  const shift = new Map<string, number>();
  return {
    resourceId,
    identifier: (system, value) => identifier(`${system ?? ''}\u0000${value}`),
    dateShiftDays(patientKey) {
      let days = shift.get(patientKey);
      if (days === undefined) {
        const b = hash(`date-shift\u0000${patientKey}`);
        const n = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
        // n mod 2·max picks one of 2·max non-zero offsets: −max..−1 and 1..max.
        const k = n % (2 * maxShift);
        days = k < maxShift ? k - maxShift : k - maxShift + 1;
        if (shift.size >= 100_000) shift.clear();
        shift.set(patientKey, days);
      }
      return days;
    },
  };
}
