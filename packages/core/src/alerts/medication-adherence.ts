import { alertDedupKey, clear, firing, indeterminate, type RuleOutcome } from './alert-intent.ts';
import type { AlertSeverity } from './alert-severity.ts';
import { expandTiming, type FhirTiming, fhirDateTimeMs } from './dose-schedule.ts';

/**
 * Medication adherence: scheduled doses of an active MedicationRequest (dosageInstruction.timing)
 * with no matching MedicationAdministration more than `graceMin` after they were due.
 *
 * Matching (project rule): dose i is covered by an administration recorded from `earlyToleranceMin`
 * before it up to `earlyToleranceMin` before dose i+1 (the last dose: any time after). Each
 * administration covers one dose; a late administration still covers its dose, so the alert
 * clears once it is charted. PRN ("as needed") and non-active requests have no schedule to miss.
 */

/** The parts of FHIR R4 MedicationRequest this rule reads. */
export interface MedicationRequestLike {
  readonly id: string;
  readonly status?: string;
  readonly authoredOn?: string;
  readonly dosageInstruction?: readonly {
    readonly timing?: FhirTiming;
    readonly asNeededBoolean?: boolean;
    readonly asNeededCodeableConcept?: unknown;
  }[];
}

export interface OverdueDose {
  readonly scheduledMs: number;
  readonly overdueMin: number;
}

export interface DoseCheckOptions {
  /** Start of the period checked (e.g. admission, or 24 h ago). */
  readonly fromMs: number;
  readonly nowMs: number;
  readonly graceMin: number;
  /** Default 60. */
  readonly earlyToleranceMin?: number;
  /** Patient's IANA time zone for timeOfDay schedules; default UTC. */
  readonly timeZone?: string;
}

export interface DoseCheck {
  readonly scheduledMs: number[];
  readonly overdue: OverdueDose[];
  readonly ignored: string[];
  readonly unsupported: string | null;
}

export function findOverdueDoses(
  request: MedicationRequestLike,
  administrationTimesMs: readonly number[],
  options: DoseCheckOptions,
): DoseCheck {
  const timeZone = options.timeZone ?? 'UTC';
  const anchor = request.authoredOn ? fhirDateTimeMs(request.authoredOn, timeZone) : Number.NaN;
  const scheduled: number[] = [];
  const ignored: string[] = [];
  let unsupported: string | null = null;
  (request.dosageInstruction ?? []).forEach((dosage, i) => {
    if (!dosage.timing || dosage.asNeededBoolean === true || dosage.asNeededCodeableConcept !== undefined) return;
    const s = expandTiming(dosage.timing, {
      fromMs: options.fromMs,
      toMs: options.nowMs,
      timeZone,
      ...(Number.isNaN(anchor) ? {} : { anchorMs: anchor }),
    });
    scheduled.push(...s.timesMs);
    ignored.push(...s.ignored.map((g) => `dosageInstruction[${i}].timing.${g}`));
    if (s.unsupported) unsupported = `dosageInstruction[${i}].timing: ${s.unsupported}`;
  });
  const doses = [...new Set(scheduled)].sort((a, b) => a - b);
  const given = [...administrationTimesMs].sort((a, b) => a - b);
  const earlyMs = (options.earlyToleranceMin ?? 60) * 60_000;
  const overdue: OverdueDose[] = [];
  let j = 0;
  for (let i = 0; i < doses.length; i++) {
    const opens = doses[i]! - earlyMs;
    const closes = i + 1 < doses.length ? doses[i + 1]! - earlyMs : Number.POSITIVE_INFINITY;
    while (j < given.length && given[j]! < opens) j += 1;
    const covered = j < given.length && given[j]! < closes;
    if (covered) j += 1;
    const lateMs = options.nowMs - doses[i]!;
    if (!covered && lateMs > options.graceMin * 60_000) overdue.push({ scheduledMs: doses[i]!, overdueMin: Math.floor(lateMs / 60_000) });
  }
  return { scheduledMs: doses, overdue, ignored, unsupported };
}

export interface MedicationAdherenceInput extends DoseCheckOptions {
  readonly patientId: string;
  readonly request: MedicationRequestLike;
  /** Times of completed MedicationAdministrations for this request. */
  readonly administrationTimesMs: readonly number[];
  /** Default 'medium'; raise it for time-critical drugs (insulin, anti-epileptics, Parkinson's medicines). */
  readonly severity?: AlertSeverity;
}

/** One alert per MedicationRequest (key `patientId:medication-overdue:requestId`). */
export function evaluateMedicationAdherence(input: MedicationAdherenceInput): RuleOutcome {
  const kind = 'medication-overdue';
  const dedupKey = alertDedupKey(input.patientId, kind, input.request.id);
  if (input.request.status !== undefined && input.request.status !== 'active') return clear(dedupKey, kind, input.nowMs);
  const check = findOverdueDoses(input.request, input.administrationTimesMs, input);
  if (check.unsupported && check.scheduledMs.length === 0) return indeterminate(dedupKey, kind, check.unsupported);
  if (check.overdue.length === 0) return clear(dedupKey, kind, input.nowMs);
  const oldest = check.overdue[0]!;
  const n = check.overdue.length;
  return firing({
    dedupKey,
    patientId: input.patientId,
    kind,
    severity: input.severity ?? 'medium',
    summary: `${n} scheduled dose${n === 1 ? '' : 's'} not recorded; oldest overdue by ${oldest.overdueMin} min`,
    atMs: input.nowMs,
    details: {
      medicationRequestId: input.request.id,
      overdueCount: n,
      oldestScheduledMs: oldest.scheduledMs,
      latestScheduledMs: check.overdue[n - 1]!.scheduledMs,
      graceMin: input.graceMin,
      ignoredTiming: check.ignored.length > 0 ? check.ignored.join('; ') : null,
    },
  });
}
