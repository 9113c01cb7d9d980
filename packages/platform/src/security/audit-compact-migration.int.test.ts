import { type AuditRecord, auditOutcomeCode, canonicalJson, toAuditEvent } from '@vitaltwin/core';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/migrations.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { migrateBefore, unmigratedEngines } from '../testing/unmigrated-databases.ts';
import { verifyAuditChain } from './audit-chain.ts';
import { AuditLog } from './audit-log.ts';
import { genesisHash, legacyRowHash } from './audit-row.ts';
import { searchAudit } from './audit-search.ts';

// Migration 013 stores new audit rows compact (the record's fields; the AuditEvent is built when
// read). A trail written before it keeps its rows, with their AuditEvent as content: the chain
// must verify across the change, both kinds of row must read back as the same AuditEvent for the
// same record, and a change to either kind must still be caught.
const compactMigration = 13;

const record = (i: number): AuditRecord => ({
  recordedMs: Date.UTC(2025, 0, 1) + i * 1000,
  actor: `user:u${i % 3}`,
  role: 'clinician',
  action: i % 5 === 0 ? 'update' : 'read',
  entity: `Observation/o${i % 4}`,
  patientId: `p${i % 2}`,
  outcome: i % 7 === 0 ? 'denied' : 'success',
  httpStatus: i % 7 === 0 ? 403 : 200,
  source: '127.0.0.1',
  ...(i % 7 === 0 ? { detail: 'not permitted' } : {}),
});

/** Rows as the writer before migration 013 stored them: the AuditEvent as content, hashed with it. */
async function writeLegacyRows(db: SqlClient, records: readonly AuditRecord[]): Promise<void> {
  let prev = genesisHash;
  for (const r of records) {
    const row = {
      recorded: new Date(r.recordedMs).toISOString(),
      actor: r.actor,
      action: r.action,
      entity: r.entity ?? null,
      patient_id: r.patientId ?? null,
      outcome: auditOutcomeCode[r.outcome],
      source: r.source ?? null,
      content: toAuditEvent(r),
    };
    const hash = legacyRowHash(prev, row);
    await db.query(
      `INSERT INTO audit_event (recorded, actor, action, entity, patient_id, outcome, source, content, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
      [row.recorded, row.actor, row.action, row.entity, row.patient_id, row.outcome, row.source, canonicalJson(row.content), prev, hash],
    );
    prev = hash;
  }
}

async function tamper(db: SqlClient, sql: string, params: unknown[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change');
  });
}

describe.each(await unmigratedEngines('audit compact rows migration'))('migration 013 on $name', (engine) => {
  it('continues a trail written before it, and reads both kinds of row as the same AuditEvents', async () => {
    const { db, dispose } = await engine.open();
    try {
      await migrateBefore(db, compactMigration);
      const records = Array.from({ length: 30 }, (_, i) => record(i));
      await writeLegacyRows(db, records.slice(0, 15));
      await migrate(db);
      const log = new AuditLog(db, { flushIntervalMs: 1 });
      await Promise.all(records.slice(15).map((r) => log.record(r)));
      await log.close();

      expect(await verifyAuditChain(db, { pageSize: 7 })).toMatchObject({ ok: true, checked: 30 });
      const kinds = await db.query<{ legacy: number; compact: number }>(
        `SELECT count(*) FILTER (WHERE content IS NOT NULL)::int AS legacy, count(*) FILTER (WHERE content IS NULL)::int AS compact
           FROM audit_event`,
      );
      expect(kinds[0]).toEqual({ legacy: 15, compact: 15 });
      const hits = await searchAudit(db, { limit: 100 });
      const events = hits.reverse().map(({ event: { id: _, ...event } }) => event);
      expect(events).toEqual(records.map((r) => ({ resourceType: 'AuditEvent', ...toAuditEvent(r) })));

      // A change to a compact row (a column it hashes) and to a legacy row (its content) is caught.
      const [first] = await db.query<{ s: number }>('SELECT min(seq)::int AS s FROM audit_event');
      const s = first!.s;
      await tamper(db, 'UPDATE audit_event SET http_status = 200 WHERE seq = $1', [s + 21]);
      expect((await verifyAuditChain(db)).firstBreak).toMatchObject({ seq: s + 21, reason: 'content-changed' });
      await tamper(db, `UPDATE audit_event SET content = jsonb_set(content, '{outcome}', '"0"') WHERE seq = $1`, [s + 7]);
      expect((await verifyAuditChain(db)).firstBreak).toMatchObject({ seq: s + 7, reason: 'content-changed' });
    } finally {
      await dispose();
    }
  });
});
