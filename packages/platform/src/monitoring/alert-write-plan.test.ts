import type { AlertEvent, AlertSeverity } from '@vitaltwin/core';
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from './alert-record.ts';
import { planAlertWrites } from './alert-write-plan.ts';

const t0 = Date.UTC(2026, 10, 21, 8);
const fire = (severity: AlertSeverity, atMs: number, details: Record<string, number> = {}): AlertEvent => ({
  type: 'fire',
  intent: { dedupKey: 'p1:news2', patientId: 'p1', kind: 'news2', severity, summary: `NEWS2 ${severity}`, atMs, details },
});
const stored = (over: Partial<AlertRecord> = {}): AlertRecord => ({
  id: 'a1',
  dedupKey: 'p1:news2',
  patientId: 'p1',
  kind: 'news2',
  status: 'open',
  severity: 'high',
  peakSeverity: 'high',
  summary: 'NEWS2 high',
  details: { total: 5 },
  openedAtMs: t0,
  lastFiredAtMs: t0,
  updatedAtMs: t0,
  occurrences: 1,
  escalations: 0,
  acknowledgedAtMs: null,
  acknowledgedBy: null,
  resolvedAtMs: null,
  resolvedBy: null,
  resolution: null,
  revision: 1,
  acknowledgeNote: null,
  resolveNote: null,
  changedAtMs: t0,
  ...over,
});

describe('alert write plan', () => {
  it('opens a new row when there is no active alert', () => {
    expect(planAlertWrites(null, [fire('high', t0)], 60_000).map((w) => [w.kind, w.transition])).toEqual([['insert', 'opened']]);
  });

  it('folds several events on one row into one write with the most significant transition', () => {
    const [w] = planAlertWrites(stored(), [fire('high', t0 + 1, { total: 6 }), fire('critical', t0 + 2, { total: 7 })], 60_000);
    expect(w).toMatchObject({ kind: 'update', transition: 'escalated', next: { severity: 'critical', occurrences: 3 } });
  });

  it('skips a re-firing that changes nothing shown until the refresh interval, whatever the detail key order', () => {
    const row = stored({ details: { b: 2, a: 1 } });
    expect(planAlertWrites(row, [fire('high', t0 + 1000, { a: 1, b: 2 })], 60_000)).toEqual([]);
    expect(planAlertWrites(row, [fire('high', t0 + 60_000, { a: 1, b: 2 })], 60_000)).toHaveLength(1);
    expect(planAlertWrites(row, [fire('high', t0 + 1000, { a: 1, b: 3 })], 60_000)).toHaveLength(1);
  });

  it('writes the resolution of the old row and a new row when a batch clears and fires again', () => {
    const writes = planAlertWrites(stored(), [{ type: 'condition-cleared', atMs: t0 + 1 }, fire('high', t0 + 2)], 60_000);
    expect(writes.map((w) => [w.kind, w.transition, w.next.status])).toEqual([
      ['update', 'resolved', 'resolved'],
      ['insert', 'opened', 'open'],
    ]);
  });

  it('writes nothing for events the reducer ignores', () => {
    expect(planAlertWrites(null, [{ type: 'condition-cleared', atMs: t0 }], 60_000)).toEqual([]);
  });
});
