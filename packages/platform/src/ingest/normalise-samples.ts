import type { DecodedSample, SampleRejection } from './decoded-sample.ts';
import { patientIdOf } from './patient-reference.ts';
import type { ReadingCatalogue } from './reading-catalogue.ts';
import { sampleText } from './schema-issue-detail.ts';

/** A sample ready to store: primary LOINC code, canonical UCUM unit, converted value. */
export interface NormalisedSample {
  readonly index: number;
  readonly code: string;
  readonly value: number;
  readonly unit: string;
  readonly timeMs: number;
}

/**
 * Times device ingest accepts. Readings before `earliestMs` or further than `maxFutureSkewMs` ahead
 * of the receive time come from a device with a wrong clock (or a unit mistake in the time); they
 * are dead-lettered as implausible rather than written into far-off partitions.
 */
export interface TimeWindow {
  readonly earliestMs: number;
  readonly maxFutureSkewMs: number;
}

export const defaultTimeWindow: TimeWindow = { earliestMs: Date.UTC(2000, 0, 1), maxFutureSkewMs: 10 * 60_000 };

export interface NormaliseContext {
  readonly catalogue: ReadingCatalogue;
  readonly receivedAtMs: number;
  readonly window: TimeWindow;
  /** The bound patient: a FHIR `subject` naming another patient is rejected (wrong-patient data is a safety hazard). */
  readonly patientId: string;
}

export interface NormaliseOutcome {
  readonly readings: NormalisedSample[];
  readonly rejections: SampleRejection[];
}

export function normaliseSamples(samples: readonly DecodedSample[], ctx: NormaliseContext): NormaliseOutcome {
  const readings: NormalisedSample[] = [];
  const rejections: SampleRejection[] = [];
  const latestMs = ctx.receivedAtMs + ctx.window.maxFutureSkewMs;
  // No closure per sample: this loop runs for every reading ingested.
  for (const s of samples) {
    if (s.subjectReference !== undefined && patientIdOf(s.subjectReference) !== ctx.patientId) {
      rejections.push(rejection(s, 'patient-mismatch', 'Observation.subject is not the patient this device is bound to'));
      continue;
    }
    if (!(s.timeMs >= ctx.window.earliestMs && s.timeMs <= latestMs)) {
      rejections.push(
        rejection(
          s,
          'implausible',
          `time ${Number.isFinite(s.timeMs) ? new Date(s.timeMs).toISOString() : 'invalid'} is outside the accepted window (from ${new Date(ctx.window.earliestMs).toISOString().slice(0, 10)} to ${Math.round(ctx.window.maxFutureSkewMs / 60_000)} min after receipt)`,
        ),
      );
      continue;
    }
    const verdict = ctx.catalogue.normalise(s.code, s.value, s.unit);
    if (!verdict.ok) {
      rejections.push(rejection(s, verdict.reason, verdict.detail));
      continue;
    }
    readings.push({ index: s.index, ...verdict.reading, timeMs: s.timeMs });
  }
  return { readings, rejections };
}

function rejection(s: DecodedSample, reason: SampleRejection['reason'], detail: string): SampleRejection {
  return { index: s.index, reason, detail, sampleText: sampleText(s.source) };
}
