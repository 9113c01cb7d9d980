import type { SqlQueryable } from '../store/sql-client.ts';
import { type StoredAuditRow, storedRowEvent } from './audit-row.ts';

/** Filters of `GET /audit` (all optional, combined with AND). */
export interface AuditQuery {
  readonly patient?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly outcome?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** Page backwards from this seq (exclusive); newest first. */
  readonly beforeSeq?: number;
  readonly limit?: number;
}

export interface AuditHit {
  readonly seq: number;
  readonly event: Record<string, unknown>;
}

/** Newest-first audit events matching the query, each a FHIR AuditEvent with `id` = its seq. */
export async function searchAudit(db: SqlQueryable, q: AuditQuery): Promise<AuditHit[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.patient !== undefined) add('patient_id = ?', q.patient);
  if (q.actor !== undefined) add('actor = ?', q.actor);
  if (q.action !== undefined) add('action = ?', q.action);
  if (q.outcome !== undefined) add('outcome = ?', q.outcome);
  if (q.sinceMs !== undefined) add('recorded >= ?', new Date(q.sinceMs));
  if (q.untilMs !== undefined) add('recorded < ?', new Date(q.untilMs));
  if (q.beforeSeq !== undefined) add('seq < ?', q.beforeSeq);
  params.push(Math.min(Math.max(q.limit ?? 100, 1), 1000));
  const rows = await db.query<StoredAuditRow & { seq: number }>(
    `SELECT seq, recorded, actor, role, action, entity, patient_id, outcome, http_status, source, detail, content FROM audit_event ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ seq: Number(r.seq), event: { resourceType: 'AuditEvent', id: String(r.seq), ...storedRowEvent(r) } }));
}
