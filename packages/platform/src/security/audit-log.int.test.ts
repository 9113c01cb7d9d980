import type { AuditRecord } from '@vitaltwin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { testEngines } from '../testing/test-databases.ts';
import { verifyAuditChain } from './audit-chain.ts';
import { AuditLog } from './audit-log.ts';
import { type StoredAuditRow, storedRowHash } from './audit-row.ts';
import { searchAudit } from './audit-search.ts';

const engines = await testEngines('audit trail');

const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  recordedMs: Date.UTC(2025, 0, 1) + i * 1000,
  actor: `user:u${i % 3}`,
  role: 'clinician',
  action: 'read',
  entity: `Observation/o${i}`,
  patientId: `p${i % 2}`,
  outcome: 'success',
  source: '127.0.0.1',
  ...extra,
});

// Stands in for someone with owner rights on the database: the append-only trigger is switched off
// around the change, as such a person could do. The hash chain must still expose it.
async function tamper(db: SqlClient, sql: string, params: unknown[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change');
  });
}

describe.each(engines)('audit trail on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
  });
  afterAll(async () => dispose());

  it('writes queued records in batches and chains them', async () => {
    const log = new AuditLog(db, { flushIntervalMs: 2 });
    await Promise.all(Array.from({ length: 250 }, (_, i) => log.record(record(i))));
    await log.record(record(250, { action: 'login', entity: undefined, patientId: undefined, actor: 'user:\u0000bad\ud800' }));
    await log.close();
    const report = await verifyAuditChain(db, { pageSize: 64 });
    expect(report).toMatchObject({ ok: true, checked: 251 });
    const rows = await db.query<{ n: number }>('SELECT count(DISTINCT prev_hash)::int AS n FROM audit_event');
    expect(rows[0]?.n).toBe(251);
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(db.query("UPDATE audit_event SET actor = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_event WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
  });

  it('finds events by patient, actor, action and time, newest first, as FHIR AuditEvents', async () => {
    const hits = await searchAudit(db, { patient: 'p1', actor: 'user:u1', sinceMs: Date.UTC(2025, 0, 1) + 100_000, limit: 5 });
    expect(hits.length).toBe(5);
    expect(hits.map((h) => h.seq)).toEqual([...hits.map((h) => h.seq)].sort((a, b) => b - a));
    for (const h of hits) {
      expect(h.event).toMatchObject({ resourceType: 'AuditEvent', action: 'R', outcome: '0', id: String(h.seq) });
      expect(JSON.stringify(h.event)).toContain('Patient/p1');
    }
    expect((await searchAudit(db, { action: 'login' })).length).toBe(1);
  });

  it('names the changed row when one row is updated', async () => {
    await tamper(db, "UPDATE audit_event SET actor = 'user:someone-else' WHERE seq = (SELECT min(seq) + 41 FROM audit_event)");
    const first = (await db.query<{ s: number }>('SELECT min(seq)::int AS s FROM audit_event'))[0]?.s as number;
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: first + 41, reason: 'content-changed' });
    expect(report.checked).toBe(41);
  });

  it('names the row after a deleted one, even when the changed row was re-hashed', async () => {
    const first = (await db.query<{ s: number }>('SELECT min(seq)::int AS s FROM audit_event'))[0]?.s as number;
    // Undo the previous tampering by re-hashing the changed row (an attacker recomputing its hash):
    // the row now verifies, but its successor's link breaks.
    const row = (await db.query<StoredAuditRow & { prev_hash: string }>('SELECT * FROM audit_event WHERE seq = $1', [first + 41]))[0]!;
    const rehash = storedRowHash(row.prev_hash, row);
    await tamper(db, 'UPDATE audit_event SET hash = $1 WHERE seq = $2', [rehash, first + 41]);
    expect((await verifyAuditChain(db)).firstBreak).toMatchObject({ seq: first + 42, reason: 'link-broken' });
  });
});
