import { snomedSystem } from '../fhir/vital-sign-codes.ts';
import { alertDedupKey, firing, type RuleOutcome } from './alert-intent.ts';
import type { AlertSeverity } from './alert-severity.ts';

/**
 * Falls reported by devices (wearables, bed and room sensors). A device event carries a coded
 * type; it is a fall when one of its codings is in `fallCodes`. Defaults: SNOMED CT 1912002
 * |Fall (event)| and the Vitaltwin device-event code `fall-detected` for adapters whose vendor
 * format has no standard code. One alert per device (key `patientId:fall:deviceId`): repeated
 * detections while it is open update it rather than paging again.
 */

export const vitaltwinDeviceEventSystem = 'https://vitaltwin.dev/fhir/CodeSystem/device-event';

export interface CodingRef {
  readonly system?: string;
  readonly code: string;
}

export const defaultFallCodes: readonly CodingRef[] = [
  { system: snomedSystem, code: '1912002' },
  { system: vitaltwinDeviceEventSystem, code: 'fall-detected' },
];

export interface DeviceEvent {
  readonly patientId: string;
  readonly deviceId: string;
  readonly atMs: number;
  readonly codes: readonly CodingRef[];
  /** Detection confidence 0–1 when the device gives one (kept in details). */
  readonly confidence?: number;
  /** The wearer told the device they are fine (e.g. the "I'm OK" prompt of a watch). */
  readonly wearerConfirmedOk?: boolean;
}

export interface FallAlertOptions {
  readonly fallCodes?: readonly CodingRef[];
  /** Default 'high'; 'medium' when the wearer confirmed they are fine. */
  readonly severity?: AlertSeverity;
}

const sameCoding = (a: CodingRef, b: CodingRef) => a.code === b.code && (a.system ?? '') === (b.system ?? '');

/** A firing outcome for a fall, or null when the event is not a fall (other rules may own it). */
export function evaluateFallEvent(event: DeviceEvent, options: FallAlertOptions = {}): RuleOutcome | null {
  const fallCodes = options.fallCodes ?? defaultFallCodes;
  if (!event.codes.some((c) => fallCodes.some((f) => sameCoding(c, f)))) return null;
  const confirmedOk = event.wearerConfirmedOk === true;
  return firing({
    dedupKey: alertDedupKey(event.patientId, 'fall', event.deviceId),
    patientId: event.patientId,
    kind: 'fall',
    severity: options.severity ?? (confirmedOk ? 'medium' : 'high'),
    summary: confirmedOk ? 'Fall detected by device; wearer reported being OK' : 'Fall detected by device',
    atMs: event.atMs,
    deviceId: event.deviceId,
    details: { confidence: event.confidence ?? null, wearerConfirmedOk: event.wearerConfirmedOk ?? null },
  });
}
