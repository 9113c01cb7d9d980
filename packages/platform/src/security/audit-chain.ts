import type { SqlQueryable } from '../store/sql-client.ts';
import { genesisHash, type StoredAuditRow, storedRowHash } from './audit-row.ts';

/**
 * Recomputes the audit hash chain (see audit-row.ts) in seq order and names the first broken link:
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

interface Row extends StoredAuditRow {
  seq: number;
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
      `SELECT seq, recorded, actor, role, action, entity, patient_id, outcome, http_status, source, detail, content, prev_hash, hash
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
      if (storedRowHash(r.prev_hash, r) !== r.hash) {
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
