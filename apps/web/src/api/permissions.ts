import type { Role } from './session.ts';

/**
 * What each role may do in the app, mirroring the server's role ceilings (core security/roles.ts,
 * the README's roles table): admin everything; clinician every patient, alerts, twins and trials;
 * patient their own record, alerts and twin (read only); researcher trials (records come
 * de-identified); device nothing here. The server decides every request; this only hides what would
 * be refused.
 */
export interface Permissions {
  readonly ward: boolean;
  readonly anyPatient: boolean;
  readonly alerts: boolean;
  readonly actOnAlerts: boolean;
  readonly whatIf: boolean;
  readonly trials: boolean;
  /** Ingest status and dead letters (DeviceReading search: admin only). */
  readonly data: boolean;
}

export function permissionsFor(role: Role): Permissions {
  switch (role) {
    case 'admin':
      return { ward: true, anyPatient: true, alerts: true, actOnAlerts: true, whatIf: true, trials: true, data: true };
    case 'clinician':
      return { ward: true, anyPatient: true, alerts: true, actOnAlerts: true, whatIf: true, trials: true, data: false };
    case 'patient':
      return { ward: false, anyPatient: false, alerts: true, actOnAlerts: false, whatIf: true, trials: false, data: false };
    case 'researcher':
      return { ward: false, anyPatient: false, alerts: false, actOnAlerts: false, whatIf: false, trials: true, data: false };
    case 'device':
      return { ward: false, anyPatient: false, alerts: false, actOnAlerts: false, whatIf: false, trials: false, data: false };
    default:
      return assertNever(role);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected role ${String(value)}`);
}
