import { VitaltwinError } from '../errors/error-codes.ts';

/**
 * Wall-clock time in an IANA time zone, for dosing schedules written as local times of day
 * (FHIR Timing.repeat.timeOfDay "08:00:00" means 8 a.m. where the patient is). Uses the
 * ECMAScript Intl API (ECMA-402) and its time-zone database; no host clock is read.
 *
 * A local time that does not exist (skipped by a daylight-saving change) maps to the instant one
 * offset-change later; an ambiguous one (repeated hour) maps to its first occurrence.
 */

export interface LocalDateTime {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', `unknown time zone "${timeZone}"`, [
        { message: 'expected an IANA time zone such as Europe/London', expression: 'timeZone' },
      ]);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local calendar date and time of an instant in `timeZone`. */
export function toZoned(utcMs: number, timeZone: string): LocalDateTime {
  if (timeZone === 'UTC') {
    const d = new Date(utcMs);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of `timeZone` from UTC at an instant, ms (positive east of Greenwich). */
function offsetMs(utcMs: number, timeZone: string): number {
  const l = toZoned(utcMs, timeZone);
  const wholeSecond = Math.floor(utcMs / 1000) * 1000;
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - wholeSecond;
}

/** The instant of a local wall-clock time in `timeZone`. */
export function fromZoned(local: LocalDateTime, timeZone: string): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  if (timeZone === 'UTC') return asUtc;
  // Offsets a day either side bracket any single transition (zones change offset at most once a day).
  const before = asUtc - offsetMs(asUtc - 86_400_000, timeZone);
  const after = asUtc - offsetMs(asUtc + 86_400_000, timeZone);
  const valid = [before, after].filter((t) => sameLocal(toZoned(t, timeZone), local));
  if (valid.length === 0) return before; // skipped local time: read it with the offset in force before the change
  return Math.min(...valid);
}

function sameLocal(a: LocalDateTime, b: LocalDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

/** Day of the week of a calendar date, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Whole days from the Unix epoch to a calendar date (for "every n days" arithmetic). */
export function epochDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

/** Calendar date `epochDay` days after 1970-01-01. */
export function dateOfEpochDay(days: number): { year: number; month: number; day: number } {
  const d = new Date(days * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
