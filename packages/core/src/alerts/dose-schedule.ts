import { dateOfEpochDay, epochDay, fromZoned, toZoned, weekdayOf } from './zoned-time.ts';

/**
 * Expands a simple FHIR R4 Timing (http://hl7.org/fhir/R4/datatypes.html#Timing) into scheduled
 * dose instants within a window. Supported:
 * - `event`: explicit dateTimes;
 * - `repeat.timeOfDay` (local times, in the patient's time zone) every `period` days
 *   (`periodUnit` d, or wk with `dayOfWeek`), optionally on `dayOfWeek` only;
 * - `repeat.frequency` per `period` `periodUnit` (s, min, h, d, wk) without timeOfDay: evenly
 *   spaced from `boundsPeriod.start` (or the caller's anchor, e.g. MedicationRequest.authoredOn);
 * - `boundsPeriod` and `count`.
 * Anything else that changes when doses fall (`when`/EventTiming, `offset`, `frequencyMax`,
 * `periodMax`, `boundsDuration`, calendar months and years) is reported in `ignored`, or makes the
 * whole timing `unsupported` when no schedule can be derived without it.
 */

export type FhirDayOfWeek = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type FhirPeriodUnit = 's' | 'min' | 'h' | 'd' | 'wk' | 'mo' | 'a';

export interface FhirTimingRepeat {
  readonly boundsPeriod?: { readonly start?: string; readonly end?: string };
  readonly boundsDuration?: unknown;
  readonly boundsRange?: unknown;
  readonly count?: number;
  readonly countMax?: number;
  readonly frequency?: number;
  readonly frequencyMax?: number;
  readonly period?: number;
  readonly periodMax?: number;
  readonly periodUnit?: FhirPeriodUnit;
  readonly dayOfWeek?: readonly FhirDayOfWeek[];
  readonly timeOfDay?: readonly string[];
  readonly when?: readonly string[];
  readonly offset?: number;
}

export interface FhirTiming {
  readonly event?: readonly string[];
  readonly repeat?: FhirTimingRepeat;
}

export interface DoseWindow {
  readonly fromMs: number;
  readonly toMs: number;
  /** IANA zone of the patient; default UTC. */
  readonly timeZone?: string;
  /** Start of an open-ended frequency schedule when there is no boundsPeriod.start. */
  readonly anchorMs?: number;
}

export interface DoseSchedule {
  /** Scheduled instants within the window, ascending. */
  readonly timesMs: number[];
  /** Timing elements present but not applied. */
  readonly ignored: string[];
  /** Why no schedule could be derived, or null. */
  readonly unsupported: string | null;
}

const unitMs: Readonly<Record<Exclude<FhirPeriodUnit, 'mo' | 'a'>, number>> = {
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  wk: 604_800_000,
};
const weekdays: readonly FhirDayOfWeek[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Guards against a runaway expansion (e.g. every second over a year). */
const MAX_DOSES = 100_000;

/** A FHIR date or dateTime as an instant; a bare date is local midnight in `timeZone`. NaN when unparseable. */
export function fhirDateTimeMs(value: string, timeZone: string): number {
  const date = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(value);
  if (date)
    return fromZoned(
      { year: Number(date[1]), month: Number(date[2] ?? 1), day: Number(date[3] ?? 1), hour: 0, minute: 0, second: 0 },
      timeZone,
    );
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
}

/** End of a boundsPeriod.end: a bare date includes that whole day. */
function boundsEndMs(value: string, timeZone: string): number {
  const start = fhirDateTimeMs(value, timeZone);
  if (!/^\d{4}(-\d{2})?(-\d{2})?$/.test(value)) return start;
  const l = toZoned(start, timeZone);
  const next = dateOfEpochDay(epochDay(l.year, l.month, l.day) + 1);
  return fromZoned({ ...next, hour: 0, minute: 0, second: 0 }, timeZone) - 1;
}

function parseTimeOfDay(t: string): { hour: number; minute: number; second: number } | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(t);
  return m ? { hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0) } : null;
}

export function expandTiming(timing: FhirTiming, window: DoseWindow): DoseSchedule {
  const timeZone = window.timeZone ?? 'UTC';
  const ignored: string[] = [];
  const times: number[] = [];
  for (const e of timing.event ?? []) {
    const t = fhirDateTimeMs(e, timeZone);
    if (Number.isNaN(t)) ignored.push(`event "${e}"`);
    else if (t >= window.fromMs && t <= window.toMs) times.push(t);
  }
  const r = timing.repeat;
  if (!r) return finish(times, ignored, timing.event && timing.event.length > 0 ? null : 'Timing has neither event nor repeat');
  for (const key of ['when', 'offset', 'frequencyMax', 'periodMax', 'boundsDuration', 'boundsRange', 'countMax'] as const) {
    if (r[key] !== undefined) ignored.push(`repeat.${key}`);
  }
  const startMs = r.boundsPeriod?.start ? fhirDateTimeMs(r.boundsPeriod.start, timeZone) : Number.NaN;
  const endMs = r.boundsPeriod?.end ? boundsEndMs(r.boundsPeriod.end, timeZone) : Number.POSITIVE_INFINITY;
  const anchorMs = Number.isNaN(startMs) ? window.anchorMs : startMs;
  const days = r.dayOfWeek && r.dayOfWeek.length > 0 ? new Set(r.dayOfWeek) : null;
  // With a count, doses are numbered from the anchor, so generation must start there.
  const count = r.count;
  if (count !== undefined && anchorMs === undefined) return finish(times, ignored, 'repeat.count needs boundsPeriod.start or an anchor');
  const genFrom = count !== undefined ? anchorMs! : Math.max(window.fromMs, Number.isNaN(startMs) ? Number.NEGATIVE_INFINITY : startMs);
  const genTo = Math.min(window.toMs, endMs);
  const withinCount = (index: number): boolean => count === undefined || index < count;
  const keep = (t: number) => t >= window.fromMs && t <= window.toMs && t <= endMs && (Number.isNaN(startMs) || t >= startMs);

  if (r.timeOfDay && r.timeOfDay.length > 0) {
    const clock = r.timeOfDay.map(parseTimeOfDay);
    if (clock.some((c) => c === null)) return finish(times, ignored, 'repeat.timeOfDay must be hh:mm:ss');
    const unit = r.periodUnit ?? 'd';
    const period = r.period ?? 1;
    if (!(unit === 'd' || (unit === 'wk' && days !== null && period === 1)) || !Number.isInteger(period) || period < 1) {
      return finish(times, ignored, `repeat.timeOfDay with period ${period} ${unit} is not supported`);
    }
    const everyDays = unit === 'd' ? period : 1;
    if (everyDays > 1 && anchorMs === undefined)
      return finish(times, ignored, 'an every-n-days schedule needs boundsPeriod.start or an anchor');
    const anchorLocal = anchorMs === undefined ? null : toZoned(anchorMs, timeZone);
    const anchorDay = anchorLocal ? epochDay(anchorLocal.year, anchorLocal.month, anchorLocal.day) : 0;
    const from = toZoned(genFrom, timeZone);
    const to = toZoned(genTo, timeZone);
    const sortedClock = [...(clock as { hour: number; minute: number; second: number }[])].sort(
      (a, b) => a.hour * 3600 + a.minute * 60 + a.second - (b.hour * 3600 + b.minute * 60 + b.second),
    );
    let index = 0;
    for (let day = epochDay(from.year, from.month, from.day); day <= epochDay(to.year, to.month, to.day) && index < MAX_DOSES; day++) {
      if ((day - anchorDay) % everyDays !== 0) continue;
      const date = dateOfEpochDay(day);
      if (days && !days.has(weekdays[weekdayOf(date.year, date.month, date.day)]!)) continue;
      for (const c of sortedClock) {
        const t = fromZoned({ ...date, ...c }, timeZone);
        if (t < genFrom) continue;
        if (!withinCount(index)) return finish(times, ignored, null);
        index += 1;
        if (keep(t)) times.push(t);
      }
    }
    return finish(times, ignored, null);
  }

  const unit = r.periodUnit;
  if (r.frequency === undefined || r.period === undefined || unit === undefined)
    return finish(times, ignored, 'repeat needs timeOfDay, or frequency with period and periodUnit');
  if (unit === 'mo' || unit === 'a') return finish(times, ignored, `periodUnit ${unit} (calendar months/years) is not supported`);
  if (!(r.frequency > 0 && r.period > 0)) return finish(times, ignored, 'repeat.frequency and repeat.period must be > 0');
  if (anchorMs === undefined) return finish(times, ignored, 'a frequency schedule needs boundsPeriod.start or an anchor');
  const intervalMs = (r.period * unitMs[unit]) / r.frequency;
  let k = Math.max(0, Math.ceil((genFrom - anchorMs) / intervalMs));
  for (let n = 0; n < MAX_DOSES; n++, k++) {
    const t = anchorMs + k * intervalMs;
    if (t > genTo || !withinCount(k)) break;
    if (days) {
      const l = toZoned(t, timeZone);
      if (!days.has(weekdays[weekdayOf(l.year, l.month, l.day)]!)) continue;
    }
    if (keep(t)) times.push(t);
  }
  return finish(times, ignored, null);
}

function finish(times: number[], ignored: string[], unsupported: string | null): DoseSchedule {
  const unique = [...new Set(times)].sort((a, b) => a - b);
  return { timesMs: unique, ignored, unsupported };
}
