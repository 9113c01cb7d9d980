/**
 * Shifting FHIR date, dateTime and instant values (FHIR R4 datatypes §2.24.0.1) by whole days, so
 * every interval between two shifted values of one patient stays what it was. The time of day and
 * the time-zone offset are kept; a value given to month or year precision keeps its precision.
 */
const dayMs = 86_400_000;
const fullPattern = /^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const monthPattern = /^(\d{4})-(\d{2})$/;
const yearPattern = /^(\d{4})$/;

/** A string that is certainly meant as a date: at least YYYY-MM-DD, optionally with a time. */
export function isFullFhirDate(value: string): boolean {
  return fullPattern.test(value);
}

/** A string that could be a date of month or year precision (only a date when its element is a date). */
export function isPartialFhirDate(value: string): boolean {
  return monthPattern.test(value) || yearPattern.test(value);
}

function shiftDay(year: number, month: number, day: number, days: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  // setUTCFullYear, unlike Date.UTC, takes years below 100 literally.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCDate() !== day) return undefined;
  return new Date(d.getTime() + days * dayMs);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const ymd = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;

/** The value shifted by `days`, or undefined when it is not a valid FHIR date of any precision. */
export function shiftFhirDate(value: string, days: number): string | undefined {
  const full = fullPattern.exec(value);
  if (full) {
    const hour = full[5] === undefined ? 0 : Number(full[5]);
    const minute = full[6] === undefined ? 0 : Number(full[6]);
    const second = full[7] === undefined ? 0 : Number(full[7]);
    if (hour > 23 || minute > 59 || second > 60) return undefined;
    const d = shiftDay(Number(full[1]), Number(full[2]), Number(full[3]), days);
    return d ? `${ymd(d)}${full[4] ?? ''}` : undefined;
  }
  // Month and year precision: shift the middle of the period and keep the precision.
  const month = monthPattern.exec(value);
  if (month) {
    const d = shiftDay(Number(month[1]), Number(month[2]), 15, days);
    return d ? ymd(d).slice(0, 7) : undefined;
  }
  const year = yearPattern.exec(value);
  if (year) {
    const d = shiftDay(Number(year[1]), 7, 2, days);
    return d ? ymd(d).slice(0, 4) : undefined;
  }
  return undefined;
}

/** The calendar year of a FHIR date of any precision, or undefined. */
export function fhirDateYear(value: string): number | undefined {
  const m = /^(\d{4})/.exec(value);
  return m ? Number(m[1]) : undefined;
}
