import { hash } from 'node:crypto';
import {
  type AuditAction,
  type AuditOutcome,
  type AuditRecord,
  auditActionCode,
  auditOutcomeCode,
  canonicalJson,
  toAuditEvent,
} from '@vitaltwin/core';

/**
 * One row of the audit trail (`audit_event`) and its link in the hash chain:
 *   hash = SHA-256(prev_hash ‖ canonical JSON of the row)   (canonical JSON: RFC 8785)
 * where the row is every column but seq and the two hashes, and prev_hash of the first row is 64
 * zeros. Changing, removing or inserting a row breaks the chain from there on (audit-chain.ts).
 *
 * Rows come in two forms (migration 013):
 *  - compact (written now): the record's fields, a column each, content NULL. The FHIR AuditEvent
 *    is a pure function of them (toAuditEvent) and is built again when the trail is read, so the
 *    row hashes what was recorded, and its ~1 kB rendering is neither stored nor hashed.
 *  - legacy (written before migration 013): the columns of then and the AuditEvent as `content`,
 *    hashed with it. They stay as they are and are checked as they were.
 * The two forms hash different member sets (a compact row has no `content`, a legacy row no
 * `role`, `http_status` or `detail`), so no row of one form hashes like a row of the other.
 */
export const genesisHash = '0'.repeat(64);

/** A compact row: what `AuditLog` inserts. */
export interface AuditRowColumns {
  /** ISO 8601, UTC, milliseconds. */
  readonly recorded: string;
  readonly actor: string;
  readonly role: string | null;
  /** The record's action (AuditAction), not the AuditEvent's C/R/U/D/E code. */
  readonly action: string;
  readonly entity: string | null;
  readonly patient_id: string | null;
  /** AuditEvent.outcome: 0, 4 or 8. */
  readonly outcome: string;
  readonly http_status: number | null;
  readonly source: string | null;
  readonly detail: string | null;
}

/** A legacy row (before migration 013): its hashed members, the AuditEvent among them. */
export interface LegacyAuditRow {
  readonly recorded: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string | null;
  readonly patient_id: string | null;
  readonly outcome: string;
  readonly source: string | null;
  readonly content: unknown;
}

/** A row as read back from audit_event (every column the chain and the AuditEvent need). */
export interface StoredAuditRow extends Omit<AuditRowColumns, 'recorded'> {
  readonly recorded: Date | string;
  /** The AuditEvent of a legacy row (jsonb: an object, or its text); NULL for a compact row. */
  readonly content: unknown;
}

export function rowOfRecord(record: AuditRecord): AuditRowColumns {
  return {
    recorded: new Date(record.recordedMs).toISOString(),
    actor: record.actor,
    role: record.role ?? null,
    action: record.action,
    entity: record.entity ?? null,
    patient_id: record.patientId ?? null,
    outcome: auditOutcomeCode[record.outcome],
    // An integer column: a status that is not an HTTP status code is left out, never the batch's insert.
    http_status: Number.isInteger(record.httpStatus) && record.httpStatus! >= 100 && record.httpStatus! <= 999 ? record.httpStatus! : null,
    source: record.source ?? null,
    detail: record.detail ?? null,
  };
}

const q = JSON.stringify;
const nullable = (text: string | null) => (text === null ? 'null' : q(text));

/**
 * canonicalJson(row), written straight out: the members in UTF-16 code-unit order (RFC 8785
 * §3.2.3), each always present, strings quoted by JSON.stringify (§3.2.2.2), the status an integer.
 * A property test checks it equals canonicalJson(row).
 */
export function canonicalRowJson(row: AuditRowColumns): string {
  return (
    `{"action":${q(row.action)},"actor":${q(row.actor)},"detail":${nullable(row.detail)},"entity":${nullable(row.entity)},` +
    `"http_status":${row.http_status === null ? 'null' : String(row.http_status)},"outcome":${q(row.outcome)},` +
    `"patient_id":${nullable(row.patient_id)},"recorded":${q(row.recorded)},"role":${nullable(row.role)},"source":${nullable(row.source)}}`
  );
}

export function rowHash(prevHash: string, row: AuditRowColumns): string {
  return hashAfter(prevHash, canonicalRowJson(row));
}

export function legacyRowHash(prevHash: string, row: LegacyAuditRow): string {
  return hashAfter(prevHash, canonicalJson(row));
}

/** SHA-256 of prev_hash ‖ row as UTF-8, in hex (one-shot crypto.hash: no Hash object per row). */
function hashAfter(prevHash: string, canonicalRow: string): string {
  return hash('sha256', prevHash + canonicalRow, 'hex');
}

/** The hash a stored row must carry after `prevHash`, in the form the row has. */
export function storedRowHash(prevHash: string, row: StoredAuditRow): string {
  const recorded = new Date(row.recorded).toISOString();
  if (row.content !== null && row.content !== undefined) {
    const { actor, action, entity, patient_id, outcome, source } = row;
    return legacyRowHash(prevHash, { recorded, actor, action, entity, patient_id, outcome, source, content: parsed(row.content) });
  }
  // The driver may hand an integer column back as text (int8 would be); the row was hashed with a number.
  return rowHash(prevHash, { ...row, recorded, http_status: row.http_status === null ? null : Number(row.http_status) });
}

const outcomeOfCode = new Map(Object.entries(auditOutcomeCode).map(([outcome, code]) => [code as string, outcome as AuditOutcome]));
const isAuditAction = (action: string): action is AuditAction => Object.hasOwn(auditActionCode, action);

/**
 * The FHIR AuditEvent of a stored row (without `id`): a legacy row's content as stored, a compact
 * row's built from its columns as it was when recorded. Columns no writer produces (only a change
 * made behind the trail's back, which the chain check reports) are shown as stored, never dropped.
 */
export function storedRowEvent(row: StoredAuditRow): Record<string, unknown> {
  if (row.content !== null && row.content !== undefined) return parsed(row.content) as Record<string, unknown>;
  const action = isAuditAction(row.action) ? row.action : 'execute';
  const event = toAuditEvent({
    recordedMs: new Date(row.recorded).getTime(),
    actor: row.actor,
    ...(row.role !== null ? { role: row.role } : {}),
    action,
    ...(row.entity !== null ? { entity: row.entity } : {}),
    ...(row.patient_id !== null ? { patientId: row.patient_id } : {}),
    outcome: outcomeOfCode.get(row.outcome) ?? 'failed',
    ...(row.http_status !== null ? { httpStatus: Number(row.http_status) } : {}),
    ...(row.source !== null ? { source: row.source } : {}),
    ...(row.detail !== null ? { detail: row.detail } : {}),
  });
  if (action !== row.action) event.subtype = [{ system: 'https://vitaltwin.dev/fhir/audit-action', code: row.action }];
  if (!outcomeOfCode.has(row.outcome)) event.outcome = row.outcome;
  return event;
}

function parsed(content: unknown): unknown {
  return typeof content === 'string' ? JSON.parse(content) : content;
}
