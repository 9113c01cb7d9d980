import type { DeadLetterReason } from './dead-letter-reason.ts';

/** The payload formats accepted by device ingest, one MQTT topic suffix each (see docs/ingest.md). */
export type PayloadFormat = 'compact' | 'omh' | 'fhir';

/**
 * One measurement as a device sent it, before unit conversion and plausibility checks. `index` is
 * the position of the sample in its message (compact: `samples[i]`; Open mHealth: data point; FHIR:
 * Bundle entry), so dead letters can point at it.
 */
export interface DecodedSample {
  readonly index: number;
  /** LOINC code. */
  readonly code: string;
  readonly value: number;
  /** The unit as sent: UCUM, or already mapped from an Open mHealth unit name. */
  readonly unit: string;
  readonly timeMs: number;
  /** FHIR `Observation.subject.reference`, when the payload names a patient. */
  readonly subjectReference?: string;
  /** The JSON the sample came from, kept to put into a dead letter if a later check rejects it. */
  readonly source: unknown;
}

/** A sample (index set) or a whole message (index null) that is not stored, and why. */
export interface SampleRejection {
  readonly index: number | null;
  readonly reason: DeadLetterReason;
  /** Short explanation for operators; never contains the payload itself. */
  readonly detail: string;
  /** The offending sample as JSON text, for sample-level rejections. */
  readonly sampleText?: string;
}

/** What a decoder made of one message: the samples it could read and the ones it could not. */
export interface DecodeOutcome {
  readonly samples: DecodedSample[];
  readonly rejections: SampleRejection[];
}

/** A message rejected as a whole. */
export function rejectMessage(reason: DeadLetterReason, detail: string): DecodeOutcome {
  return { samples: [], rejections: [{ index: null, reason, detail }] };
}
