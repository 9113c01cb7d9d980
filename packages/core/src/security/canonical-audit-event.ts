import { type AuditAction, type AuditRecord, auditActionCode, auditOutcomeCode } from './audit-event.ts';

/**
 * The canonical JSON (RFC 8785, canonical-json.ts) of `toAuditEvent(record)`, written straight from
 * the record: the audit trail hashes and stores this text for every request, and building the
 * AuditEvent object only to walk it again cost about 15 µs a record, a tenth of a read by id's
 * server CPU. The members below appear in UTF-16 code-unit order at every level, as RFC 8785 §3.2.3
 * orders them; strings are quoted by JSON.stringify, as §3.2.2.2 asks. A property test checks the
 * text equals canonicalJson(toAuditEvent(record)) for any record.
 */
const q = JSON.stringify;

const dcm = 'http://dicom.nema.org/resources/ontology/DCM';
const restType = `{"code":"rest","display":"RESTful Operation","system":"http://terminology.hl7.org/CodeSystem/audit-event-type"}`;
const loginType = `{"code":"110114","display":"User Authentication","system":"${dcm}"}`;
const exportType = `{"code":"110106","display":"Export","system":"${dcm}"}`;
const restfulInteraction = (code: string) => `[{"code":"${code}","system":"http://hl7.org/fhir/restful-interaction"}]`;

/** AuditEvent.subtype (or undefined when there is none) and .type, as canonical text. */
const typeTexts: Readonly<Record<AuditAction, { readonly subtype?: string; readonly type: string }>> = {
  login: { subtype: `[{"code":"110122","display":"Login","system":"${dcm}"}]`, type: loginType },
  token: { subtype: `[{"code":"110122","display":"Login","system":"${dcm}"}]`, type: loginType },
  export: { type: exportType },
  create: { subtype: restfulInteraction('create'), type: restType },
  read: { subtype: restfulInteraction('read'), type: restType },
  update: { subtype: restfulInteraction('update'), type: restType },
  delete: { subtype: restfulInteraction('delete'), type: restType },
  search: { subtype: restfulInteraction('search-type'), type: restType },
  execute: { subtype: restfulInteraction('operation'), type: restType },
};

const patientEntityRole =
  '"role":{"code":"1","display":"Patient","system":"http://terminology.hl7.org/CodeSystem/object-role"},' +
  '"type":{"code":"1","display":"Person","system":"http://terminology.hl7.org/CodeSystem/audit-entity-type"}';
const sourceText =
  '{"observer":{"display":"vitaltwin"},"type":[{"code":"4","display":"Application Server","system":"http://terminology.hl7.org/CodeSystem/security-source-type"}]}';
const resourceReference = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

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
      resourceReference.test(record.entity) ? `{"what":{"reference":${q(record.entity)}}}` : `{"what":{"display":${q(record.entity)}}}`,
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
