/**
 * One audited access as a FHIR R4 AuditEvent (http://hl7.org/fhir/R4/auditevent.html): who (agent),
 * what (entity, and the patient it concerns), when (recorded), from where (agent.network) and with
 * what outcome. Codes: audit-event-type `rest` and DICOM DCM 110114/110106 for login and export,
 * restful-interaction for the subtype, security-source-type 4 (application server).
 */
export type AuditAction = 'create' | 'read' | 'update' | 'delete' | 'search' | 'execute' | 'login' | 'token' | 'export';

export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditRecord {
  readonly recordedMs: number;
  /** `user:<id>`, `client:<id>`, `device:<id>`, `cli:<name>`, `local` or `anonymous`. */
  readonly actor: string;
  readonly role?: string;
  readonly action: AuditAction;
  /** `Type/id` for a FHIR resource, else the route path (never the query string). */
  readonly entity?: string;
  readonly patientId?: string;
  readonly outcome: AuditOutcome;
  readonly httpStatus?: number;
  /** Network address of the client. */
  readonly source?: string;
  readonly method?: string;
  /** Short reason for a denial or failure, free of PHI. */
  readonly detail?: string;
}

/** FHIR R4 AuditEvent.action (C R U D E) for each action. */
export const auditActionCode: Readonly<Record<AuditAction, 'C' | 'R' | 'U' | 'D' | 'E'>> = {
  create: 'C',
  read: 'R',
  update: 'U',
  delete: 'D',
  search: 'E',
  execute: 'E',
  login: 'E',
  token: 'E',
  export: 'R',
};

/** FHIR R4 AuditEvent.outcome: 0 success, 4 minor failure (refused), 8 serious failure. */
export const auditOutcomeCode: Readonly<Record<AuditOutcome, '0' | '4' | '8'>> = { success: '0', denied: '4', failed: '8' };

const dcm = 'http://dicom.nema.org/resources/ontology/DCM';

/** AuditEvent.type and .subtype of an action. */
export function auditEventType(action: AuditAction): { type: object; subtype: object[] } {
  switch (action) {
    case 'login':
    case 'token':
      return {
        type: { system: dcm, code: '110114', display: 'User Authentication' },
        subtype: [{ system: dcm, code: '110122', display: 'Login' }],
      };
    case 'export':
      return { type: { system: dcm, code: '110106', display: 'Export' }, subtype: [] };
    case 'create':
    case 'read':
    case 'update':
    case 'delete':
    case 'search':
    case 'execute': {
      const code = action === 'search' ? 'search-type' : action === 'execute' ? 'operation' : action;
      return {
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
        subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code }],
      };
    }
  }
}

/** An entity that names a FHIR resource (`Type/id`) is a reference; anything else (a route) a display. */
export const resourceEntity = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

/** AuditEvent.entity.type and .role of the patient an event concerns. */
export const patientEntityCodes = {
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
  role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
} as const;

/** AuditEvent.source: this application server. */
export const auditEventSource = {
  observer: { display: 'vitaltwin' },
  type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
} as const;

/** Builds the FHIR AuditEvent stored for a record (without `id`; the store's sequence number is the id). */
export function toAuditEvent(record: AuditRecord): Record<string, unknown> {
  const { type, subtype } = auditEventType(record.action);
  const entity: object[] = [];
  if (record.entity !== undefined) {
    entity.push(resourceEntity.test(record.entity) ? { what: { reference: record.entity } } : { what: { display: record.entity } });
  }
  if (record.patientId !== undefined) {
    entity.push({ what: { reference: `Patient/${record.patientId}` }, ...patientEntityCodes });
  }
  return {
    resourceType: 'AuditEvent',
    type,
    ...(subtype.length > 0 ? { subtype } : {}),
    action: auditActionCode[record.action],
    recorded: new Date(record.recordedMs).toISOString(),
    outcome: auditOutcomeCode[record.outcome],
    ...(record.detail !== undefined || record.httpStatus !== undefined
      ? {
          outcomeDesc: [record.httpStatus === undefined ? '' : `HTTP ${record.httpStatus}`, record.detail ?? ''].filter(Boolean).join(': '),
        }
      : {}),
    agent: [
      {
        who: { identifier: { system: 'https://vitaltwin.dev/fhir/actor', value: record.actor } },
        ...(record.role !== undefined ? { role: [{ text: record.role }] } : {}),
        requestor: true,
        ...(record.source !== undefined ? { network: { address: record.source, type: '2' } } : {}),
      },
    ],
    source: auditEventSource,
    ...(entity.length > 0 ? { entity } : {}),
  };
}
