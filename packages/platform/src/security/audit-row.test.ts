import { type AuditRecord, canonicalJson, toAuditEvent } from '@vitaltwin/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalRowJson, genesisHash, rowHash, rowOfRecord, type StoredAuditRow, storedRowEvent, storedRowHash } from './audit-row.ts';

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const record: fc.Arbitrary<AuditRecord> = fc.record(
  {
    recordedMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    actor: text,
    role: text,
    action: fc.constantFrom('create', 'read', 'update', 'delete', 'search', 'execute', 'login', 'token', 'export'),
    entity: fc.oneof(text, fc.constant('Observation/o-1')),
    patientId: text,
    outcome: fc.constantFrom('success', 'denied', 'failed'),
    httpStatus: fc.integer({ min: 100, max: 599 }),
    source: text,
    method: text,
    detail: text,
  },
  { requiredKeys: ['recordedMs', 'actor', 'action', 'outcome'] },
);

/** A compact row as the database hands it back: `recorded` a Date, content NULL. */
function stored(r: AuditRecord): StoredAuditRow {
  const row = rowOfRecord(r);
  return { ...row, recorded: new Date(row.recorded), content: null };
}

describe('audit rows', () => {
  // The writer hashes rows through canonicalRowJson; RFC 8785 says what the bytes must be.
  it('canonicalRowJson equals canonicalJson of the row, with and without the optional members', () => {
    fc.assert(
      fc.property(record, (r) => {
        const row = rowOfRecord(r);
        expect(canonicalRowJson(row)).toBe(canonicalJson(row));
      }),
      { numRuns: 1000 },
    );
  });

  it('a compact row read back hashes as written, and shows the AuditEvent of its record', () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(storedRowHash(genesisHash, stored(r))).toBe(rowHash(genesisHash, rowOfRecord(r)));
        expect(storedRowEvent(stored(r))).toEqual(toAuditEvent(r));
      }),
      { numRuns: 1000 },
    );
  });

  it('every column is hashed', () => {
    const r: AuditRecord = {
      recordedMs: Date.UTC(2025, 0, 1),
      actor: 'user:u1',
      role: 'clinician',
      action: 'read',
      entity: 'Observation/o1',
      patientId: 'p1',
      outcome: 'success',
      httpStatus: 200,
      source: '127.0.0.1',
      detail: 'why',
    };
    const base = stored(r);
    const hash = storedRowHash(genesisHash, base);
    const changes: Partial<StoredAuditRow>[] = [
      { recorded: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 1)) },
      { actor: 'user:u2' },
      { role: 'admin' },
      { role: null },
      { action: 'update' },
      { entity: 'Observation/o2' },
      { patient_id: 'p2' },
      { patient_id: null },
      { outcome: '4' },
      { http_status: 404 },
      { http_status: null },
      { source: '10.0.0.1' },
      { detail: null },
      // A compact row given a legacy row's content is hashed as a legacy row, and no longer matches.
      { content: toAuditEvent(r) },
    ];
    for (const change of changes) expect(storedRowHash(genesisHash, { ...base, ...change })).not.toBe(hash);
    expect(storedRowHash('1'.repeat(64), base)).not.toBe(hash);
  });

  it('keeps only HTTP status codes in the integer column', () => {
    const r: AuditRecord = { recordedMs: 0, actor: 'a', action: 'read', outcome: 'success' };
    expect([200, 404, 200.5, Number.NaN, 1e12, -1].map((httpStatus) => rowOfRecord({ ...r, httpStatus }).http_status)).toEqual([
      200,
      404,
      null,
      null,
      null,
      null,
    ]);
  });

  it('shows a row no writer produces as stored instead of failing', () => {
    const row: StoredAuditRow = {
      ...stored({ recordedMs: 0, actor: 'a', action: 'read', outcome: 'success' }),
      action: 'poke',
      outcome: '9',
    };
    const event = storedRowEvent(row);
    expect(event).toMatchObject({ outcome: '9', subtype: [{ code: 'poke' }] });
  });
});
