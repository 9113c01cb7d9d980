import {
  type AuditAction,
  type AuditRecord,
  auditActionCode,
  auditEventSource,
  auditEventType,
  auditOutcomeCode,
  patientEntityCodes,
  resourceEntity,
} from './audit-event.ts';
import { canonicalJson } from './canonical-json.ts';

const auditActions = Object.keys(auditActionCode) as AuditAction[];

/**
 * The canonical JSON (RFC 8785, canonical-json.ts) of `toAuditEvent(record)`, written straight from
 * the record: the audit trail hashes and stores this text for every request, and building the
 * AuditEvent object only to walk it again cost about 15 µs a record, a tenth of a read by id's
 * server CPU. The members below appear in UTF-16 code-unit order at every level, as RFC 8785 §3.2.3
 * orders them; strings are quoted by JSON.stringify, as §3.2.2.2 asks. The fixed parts (type, subtype,
 * source, patient entity codes) come from audit-event.ts, canonicalised once. A property test checks the
 * text equals canonicalJson(toAuditEvent(record)) for any record.
 */
const q = JSON.stringify;

/** AuditEvent.subtype (undefined when there is none) and .type of each action, as canonical text. */
const typeTexts = Object.fromEntries(
  auditActions.map((action) => {
    const { type, subtype } = auditEventType(action);
    return [action, { type: canonicalJson(type), ...(subtype.length > 0 ? { subtype: canonicalJson(subtype) } : {}) }];
  }),
) as Record<AuditAction, { readonly subtype?: string; readonly type: string }>;

/** The patient entity's members before `what` (role, type), and the source, as canonical text. */
const patientEntityRole = canonicalJson(patientEntityCodes).slice(1, -1);
const sourceText = canonicalJson(auditEventSource);

export function canonicalAuditEventJson(record: AuditRecord): string {
  const types = typeTexts[record.action];
  let agent = '{';
  if (record.source !== undefined) agent += `"network":{"address":${q(record.source)},"type":"2"},`;
  agent += '"requestor":true,';
  if (record.role !== undefined) agent += `"role":[{"text":${q(record.role)}}],`;
  agent += `"who":{"identifier":{"system":"https://vitaltwin.dev/fhir/actor","value":${q(record.actor)}}}}`;

  const entities: string[] = [];
  if (record.entity !== undefined) {
    entities.push(
      resourceEntity.test(record.entity) ? `{"what":{"reference":${q(record.entity)}}}` : `{"what":{"display":${q(record.entity)}}}`,
    );
  }
  if (record.patientId !== undefined) entities.push(`{${patientEntityRole},"what":{"reference":${q(`Patient/${record.patientId}`)}}}`);

  let out = `{"action":"${auditActionCode[record.action]}","agent":[${agent}]`;
  if (entities.length > 0) out += `,"entity":[${entities.join(',')}]`;
  out += `,"outcome":"${auditOutcomeCode[record.outcome]}"`;
  if (record.detail !== undefined || record.httpStatus !== undefined) {
    const parts = [record.httpStatus === undefined ? '' : `HTTP ${record.httpStatus}`, record.detail ?? ''].filter(Boolean);
    out += `,"outcomeDesc":${q(parts.join(': '))}`;
  }
  out += `,"recorded":${q(new Date(record.recordedMs).toISOString())},"resourceType":"AuditEvent","source":${sourceText}`;
  if (types.subtype !== undefined) out += `,"subtype":${types.subtype}`;
  return `${out},"type":${types.type}}`;
}
