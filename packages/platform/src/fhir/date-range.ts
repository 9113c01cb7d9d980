/**
 * The time range a FHIR date, dateTime or instant stands for, as a half-open interval [loMs, hiMs)
 * in epoch milliseconds. FHIR R4 search (3.1.1.4.2 "date") treats a value by its precision: "2020"
 * means the whole of 2020, "2020-03" all of March, "2020-03-01T10:00" that minute; a time with a
 * fraction of a second is precise to its last digit (rounded to whole milliseconds, the precision
 * stored). A value without a time zone is read as UTC (the spec leaves the zone to the server).
 */
export interface DateRange {
  readonly loMs: number;
  readonly hiMs: number;
}

// YYYY, YYYY-MM, YYYY-MM-DD, then optional Thh:mm[:ss[.fff]] and zone (FHIR R4 datatypes 2.24.0.1).
/**
 * FHIR R4's date/dateTime/instant syntax (datatypes.html#dateTime): years 0001-9999 (no year 0000),
 * zone offsets up to ±14:00; times are also accepted without seconds and with 24:00, as search
 * values often are.
 */
const pattern =
  /^(?!0000)(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?)?)?)?$/;

/** Parses a FHIR date/dateTime/instant (or a search value of one); undefined when malformed. */
export function parseDateRange(text: string): DateRange | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hh === undefined) {
    const lo = utc(year, month - 1, day);
    if (mo === undefined) return { loMs: lo, hiMs: utc(year + 1, 0, 1) };
    if (d === undefined) return { loMs: lo, hiMs: utc(year, month, 1) };
    return { loMs: lo, hiMs: utc(year, month - 1, day + 1) };
  }
  const hour = Number(hh);
  const minute = Number(mi);
  const second = ss === undefined ? 0 : Number(ss);
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) return undefined;
  const fraction = frac === undefined ? 0 : Number(`0.${frac}`);
  const offsetMs = zone === undefined || zone === 'Z' ? 0 : zoneOffsetMs(zone);
  const lo = utc(year, month - 1, day, hour, minute, second) + Math.floor(fraction * 1000) - offsetMs;
  let widthMs: number;
  if (ss === undefined) widthMs = 60_000;
  else if (frac === undefined) widthMs = 1000;
  else widthMs = Math.max(1, 10 ** (3 - Math.min(frac.length, 3)));
  return { loMs: lo, hiMs: lo + widthMs };
}

/** The range a FHIR Period covers: from its start's range start to its end's range end; open ends are infinite. */
export function periodRange(start: string | undefined, end: string | undefined): DateRange | undefined {
  const lo = start === undefined ? -Infinity : parseDateRange(start)?.loMs;
  const hi = end === undefined ? Infinity : parseDateRange(end)?.hiMs;
  if (lo === undefined || hi === undefined || (start === undefined && end === undefined)) return undefined;
  return { loMs: lo, hiMs: Math.max(hi, lo) };
}

/**
 * Milliseconds as a timestamptz literal; infinite ends become PostgreSQL's '-infinity' / 'infinity'.
 * Search bounds can leave the years 0001-9999 (the end of 9999, an `ap` range widened by 10 %):
 * JavaScript writes such years in ISO 8601's expanded form (`+010000-...`, `-000200-...`), which
 * PostgreSQL does not read; it reads `10000-...` and, for astronomical year y ≤ 0, year 1 - y with
 * `BC` (PostgreSQL docs, "Date/Time Input"). Beyond what a Date holds (±8.64e15 ms, ECMA-262
 * §21.4.1.31) a bound is infinite for every stored value.
 */
export function timestampLiteral(ms: number): string {
  if (ms === -Infinity) return '-infinity';
  if (ms === Infinity) return 'infinity';
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return ms < 0 ? '-infinity' : 'infinity';
  const iso = date.toISOString();
  if (iso.startsWith('+')) return iso.slice(1).replace(/^0+(?=\d{5})/, '');
  const year = date.getUTCFullYear();
  if (year > 0) return iso;
  const rest = iso.slice(iso.indexOf('-', 1));
  return `${String(1 - year).padStart(4, '0')}${rest} BC`;
}

// The Gregorian calendar repeats every 400 years (146 097 days); shifting by 2000 years keeps
// Date.UTC away from its 0-99 -> 1900-1999 year mapping.
const fourHundredYearsMs = 146_097 * 86_400_000;

function utc(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year + 2000, monthIndex, day, hour, minute, second) - 5 * fourHundredYearsMs;
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1-12) of a Gregorian `year`: February has 29 in years divisible by 4, except centuries not divisible by 400. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return monthDays[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function zoneOffsetMs(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  return sign * (hours * 60 + minutes) * 60_000;
}
