import type { SqlQueryable } from '../store/sql-client.ts';
import { type AuditRowContent, chainHash, genesisHash } from './audit-log.ts';

/**
 * Recomputes the audit hash chain (see audit-log.ts) in seq order and names the first broken link:
 * a row whose stored hash does not match its content (the row was changed), or whose prev_hash is
 * not the previous row's hash (a row before it was removed, inserted or re-hashed).
 */
export type ChainBreak = {
  readonly seq: number;
  readonly reason: 'content-changed' | 'link-broken';
  readonly detail: string;
};

export interface ChainReport {
  readonly ok: boolean;
  readonly checked: number;
  /** The last row: record it somewhere else to detect later truncation of the tail. */
  readonly head?: { readonly seq: number; readonly hash: string };
  readonly firstBreak?: ChainBreak;
}

interface Row {
  seq: number;
  recorded: Date;
  actor: string;
  action: string;
  entity: string | null;
  patient_id: string | null;
  outcome: string;
  source: string | null;
  content: unknown;
  prev_hash: string;
  hash: string;
}

export async function verifyAuditChain(db: SqlQueryable, options: { pageSize?: number } = {}): Promise<ChainReport> {
  const pageSize = options.pageSize ?? 5000;
  let expectedPrev = genesisHash;
  let after = 0;
  let checked = 0;
  let head: { seq: number; hash: string } | undefined;
  for (;;) {
    const rows = await db.query<Row>(
      `SELECT seq, recorded, actor, action, entity, patient_id, outcome, source, content, prev_hash, hash
         FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, pageSize],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      const base = { checked, ...(head ? { head } : {}) };
      if (r.prev_hash !== expectedPrev) {
        return {
          ok: false,
          ...base,
          firstBreak: { seq, reason: 'link-broken', detail: `prev_hash does not match the hash of the row before seq ${seq}` },
        };
      }
      const content: AuditRowContent = {
        recorded: new Date(r.recorded).toISOString(),
        actor: r.actor,
        action: r.action,
        entity: r.entity,
        patient_id: r.patient_id,
        outcome: r.outcome,
        source: r.source,
        content: typeof r.content === 'string' ? JSON.parse(r.content) : r.content,
      };
      if (chainHash(r.prev_hash, content) !== r.hash) {
        return { ok: false, ...base, firstBreak: { seq, reason: 'content-changed', detail: `row ${seq} does not match its hash` } };
      }
      expectedPrev = r.hash;
      head = { seq, hash: r.hash };
      checked += 1;
    }
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  return { ok: true, checked, ...(head ? { head } : {}) };
}
