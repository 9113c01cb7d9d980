import { type AuditRecord, canonicalJson } from '@vitaltwin/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalRowJson, toRowContent } from './audit-log.ts';

// The writer hashes rows through canonicalRowJson (the content serialised once); the verifier
// (audit-chain.ts) through canonicalJson of the row read back. They must agree byte for byte.
describe('audit row canonical JSON', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const record: fc.Arbitrary<AuditRecord> = fc.record(
    {
      recordedMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      actor: text,
      role: text,
      action: fc.constantFrom('create', 'read', 'update', 'delete', 'search', 'execute', 'login', 'token', 'export'),
      entity: text,
      patientId: text,
      outcome: fc.constantFrom('success', 'denied', 'failed'),
      httpStatus: fc.integer({ min: 100, max: 599 }),
      source: text,
      method: text,
      detail: text,
    },
    { requiredKeys: ['recordedMs', 'actor', 'action', 'outcome'] },
  );

  it('equals canonicalJson of the whole row, with and without the optional members', () => {
    fc.assert(
      fc.property(record, (r) => {
        const row = toRowContent(r);
        expect(canonicalRowJson(row, canonicalJson(row.content))).toBe(canonicalJson(row));
      }),
      { numRuns: 500 },
    );
  });
});
