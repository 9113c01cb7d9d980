import type { Communication } from '@medplum/fhirtypes';
import type { AlertSeverity } from '@vitaltwin/core';
import type { AlertChange } from './alert-record.ts';

/**
 * An alert change as a FHIR R4 Communication (category `alert` of
 * http://terminology.hl7.org/CodeSystem/communication-category), the payload of rest-hook
 * Subscriptions with criteria `Communication?category=alert`. It is a notification, not stored in
 * the FHIR store: its id is `alert-{alertId}-{revision}`, `identifier` carries the alert id (the
 * same for every change of one alert), and extensions carry the transition, status, severity and
 * kind. Priority maps severity onto R4 request-priority: info/low → routine, medium → urgent,
 * high → asap, critical → stat.
 */
export const alertIdSystem = 'https://vitaltwin.dev/fhir/NamingSystem/alert-id';
export const alertTransitionExtension = 'https://vitaltwin.dev/fhir/StructureDefinition/alert-transition';
export const alertStatusExtension = 'https://vitaltwin.dev/fhir/StructureDefinition/alert-status';
export const alertSeverityExtension = 'https://vitaltwin.dev/fhir/StructureDefinition/alert-severity';
export const alertKindSystem = 'https://vitaltwin.dev/fhir/CodeSystem/alert-kind';

const priorities: Readonly<Record<AlertSeverity, NonNullable<Communication['priority']>>> = {
  info: 'routine',
  low: 'routine',
  medium: 'urgent',
  high: 'asap',
  critical: 'stat',
};

export function alertCommunication(change: AlertChange): Communication & { id: string } {
  const a = change.alert;
  return {
    resourceType: 'Communication',
    id: `alert-${a.id}-${a.revision}`,
    identifier: [{ system: alertIdSystem, value: a.id }],
    status: 'completed',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert' }] }],
    priority: priorities[a.severity],
    subject: { reference: `Patient/${a.patientId}` },
    ...(a.deviceId ? { about: [{ reference: `Device/${a.deviceId}` }] } : {}),
    sent: new Date(a.changedAtMs).toISOString(),
    reasonCode: [{ coding: [{ system: alertKindSystem, code: a.kind }], text: a.kind }],
    payload: [{ contentString: a.summary }],
    extension: [
      { url: alertTransitionExtension, valueCode: change.transition },
      { url: alertStatusExtension, valueCode: a.status },
      { url: alertSeverityExtension, valueCode: a.severity },
    ],
  };
}
