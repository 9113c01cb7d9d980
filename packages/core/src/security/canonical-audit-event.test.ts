import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditAction, AuditOutcome, AuditRecord } from './audit-event.ts';
import { toAuditEvent } from './audit-event.ts';
import { canonicalAuditEventJson } from './canonical-audit-event.ts';
import { canonicalJson } from './canonical-json.ts';

// Oracle: the generic RFC 8785 serialiser applied to the AuditEvent object (canonical-json.ts is
// itself tested against the RFC's examples). The direct writer must give the same bytes for any
// record, or stored hashes would stop matching the chain a verifier recomputes.
const actions: AuditAction[] = ['create', 'read', 'update', 'delete', 'search', 'execute', 'login', 'token', 'export'];
const outcomes: AuditOutcome[] = ['success', 'denied', 'failed'];
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('Patient/p-1', 'Observation/o.2', '/fhir/$export', 'x"y\\z\n'),
);

const record: fc.Arbitrary<AuditRecord> = fc.record(
  {
    recordedMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    actor: text,
    role: text,
    action: fc.constantFrom(...actions),
    entity: text,
    patientId: text,
    outcome: fc.constantFrom(...outcomes),
    httpStatus: fc.integer({ min: 100, max: 599 }),
    source: text,
    method: fc.constantFrom('GET', 'POST'),
    detail: text,
  },
  { requiredKeys: ['recordedMs', 'actor', 'action', 'outcome'] },
);

describe('canonicalAuditEventJson', () => {
  it('gives the bytes canonicalJson(toAuditEvent(record)) gives, for any record', () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(canonicalAuditEventJson(r)).toBe(canonicalJson(toAuditEvent(r)));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a read of a resource as the AuditEvent it stands for', () => {
    const r: AuditRecord = {
      recordedMs: Date.UTC(2026, 10, 21, 12),
      actor: 'user:alice',
      role: 'clinician',
      action: 'read',
      entity: 'Observation/o1',
      patientId: 'p1',
      outcome: 'success',
      httpStatus: 200,
      source: '127.0.0.1',
    };
    expect(JSON.parse(canonicalAuditEventJson(r))).toEqual(toAuditEvent(r));
  });
});
