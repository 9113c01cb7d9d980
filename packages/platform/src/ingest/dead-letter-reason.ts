/**
 * Why a device message or sample was not stored. Every message or sample that is not stored is
 * written to the dead-letter table with one of these codes, so nothing is dropped silently.
 */
export const deadLetterReasons = [
  /** The payload is not UTF-8 JSON. */
  'invalid-json',
  /** The payload is larger than the ingest limit. */
  'too-large',
  /** JSON that does not match the payload schema of its topic (compact, Open mHealth, FHIR). */
  'schema',
  /** An MQTT topic under `{root}/devices/` that is not one of the ingest topics. */
  'unknown-topic',
  /** The device id is not a FHIR Device bound to a patient (no Device, no `Device.patient`, inactive). */
  'unknown-device',
  /** The LOINC code is not one that device ingest accepts. */
  'unknown-code',
  /** The unit is not UCUM for this code, or cannot be converted to the code's canonical unit. */
  'wrong-unit',
  /** A value outside the physiological plausibility range of its code (an artefact), or a time outside the accepted window. */
  'implausible',
  /** A FHIR Observation whose `subject` is not the patient the device is bound to. */
  'patient-mismatch',
  /** The database refused this message on its own, while the rest of its batch was stored. */
  'store-failed',
] as const;

export type DeadLetterReason = (typeof deadLetterReasons)[number];

export function isDeadLetterReason(value: string): value is DeadLetterReason {
  return (deadLetterReasons as readonly string[]).includes(value);
}
