import type { AlertKind, AlertSeverity, RuleOutcome } from '@vitaltwin/core';
import { type TestEngine, testEngines } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { AlertStore } from './alert-store.ts';

const engines = await testEngines('alert store');
const t0 = Date.UTC(2026, 10, 21, 8, 0, 0);
const min = 60_000;

function fire(
  patientId: string,
  kind: AlertKind,
  severity: AlertSeverity,
  atMs: number,
  details: Record<string, number> = {},
): RuleOutcome {
  return {
    status: 'firing',
    intent: { dedupKey: `${patientId}:${kind}`, patientId, kind, severity, summary: `${kind} ${severity}`, atMs, details },
  };
}
const clear = (patientId: string, kind: AlertKind, atMs: number): RuleOutcome => ({
  status: 'clear',
  dedupKey: `${patientId}:${kind}`,
  kind,
  atMs,
});

describe.each(engines.map((e) => [e.name, e] as [string, TestEngine]))('AlertStore on %s', (_name, engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let clock = t0;
  let ids = 0;
  const store = (refreshMs = 0) => new AlertStore(db, { nowMs: () => clock, newId: () => `a${++ids}`, updateRefreshMs: refreshMs });

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
  });
  afterAll(async () => {
    await dispose();
  });

  it('opens one alert per dedup key and updates it on re-firing instead of opening another', async () => {
    const s = store();
    const [opened] = await s.apply([fire('p1', 'news2', 'high', t0, { total: 5 })]);
    expect(opened?.transition).toBe('opened');
    expect(opened?.alert).toMatchObject({ status: 'open', severity: 'high', occurrences: 1, revision: 1 });
    const [updated] = await s.apply([fire('p1', 'news2', 'high', t0 + min, { total: 6 })]);
    expect(updated?.transition).toBe('updated');
    expect(updated?.alert.id).toBe(opened?.alert.id);
    expect(updated?.alert).toMatchObject({ occurrences: 2, revision: 2, details: { total: 6 }, lastFiredAtMs: t0 + min });
    expect(await s.list({ patientIds: ['p1'] })).toHaveLength(1);
  });

  it('skips writing a re-firing that changes nothing shown until the refresh interval has passed', async () => {
    const s = store(60_000);
    const [opened] = await s.apply([fire('p1b', 'glucose-high', 'medium', t0, { g: 260 })]);
    expect(await s.apply([fire('p1b', 'glucose-high', 'medium', t0 + 30_000, { g: 260 })])).toEqual([]);
    const [later] = await s.apply([fire('p1b', 'glucose-high', 'medium', t0 + 61_000, { g: 260 })]);
    expect(later?.alert).toMatchObject({ id: opened?.alert.id, occurrences: 2, lastFiredAtMs: t0 + 61_000 });
  });

  it('escalates on a severity above the peak (NEWS2 5 → 7) and re-opens an acknowledged alert', async () => {
    const s = store();
    const [opened] = await s.apply([fire('p2', 'news2', 'high', t0)]);
    const id = opened?.alert.id as string;
    const ack = await s.acknowledge(id, 'nurse-1', t0 + min, 'seen, reviewing');
    expect(ack.transition).toBe('acknowledged');
    expect(ack.alert).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'nurse-1',
      acknowledgedAtMs: t0 + min,
      acknowledgeNote: 'seen, reviewing',
    });
    const [same] = await s.apply([fire('p2', 'news2', 'high', t0 + 2 * min, { total: 6 })]);
    expect(same?.transition).toBe('updated');
    expect(same?.alert.status).toBe('acknowledged');
    const [worse] = await s.apply([fire('p2', 'news2', 'critical', t0 + 3 * min, { total: 7 })]);
    expect(worse?.transition).toBe('escalated');
    expect(worse?.alert).toMatchObject({ id, status: 'open', severity: 'critical', peakSeverity: 'critical', escalations: 1 });
    // Back down to 5 and up to 7 again: the peak was already reported, so no second escalation.
    await s.apply([fire('p2', 'news2', 'high', t0 + 4 * min)]);
    const [again] = await s.apply([fire('p2', 'news2', 'critical', t0 + 5 * min)]);
    expect(again?.transition).toBe('updated');
  });

  it('resolves when the condition clears, and a later firing opens a new alert', async () => {
    const s = store();
    const [first] = await s.apply([fire('p3', 'glucose-low', 'critical', t0)]);
    const [resolved] = await s.apply([clear('p3', 'glucose-low', t0 + 5 * min)]);
    expect(resolved).toMatchObject({
      transition: 'resolved',
      alert: { status: 'resolved', resolution: 'condition-cleared', resolvedBy: null },
    });
    expect(await s.apply([clear('p3', 'glucose-low', t0 + 6 * min)])).toEqual([]);
    const [second] = await s.apply([fire('p3', 'glucose-low', 'high', t0 + 10 * min)]);
    expect(second?.transition).toBe('opened');
    expect(second?.alert.id).not.toBe(first?.alert.id);
    expect((await s.list({ patientIds: ['p3'] })).map((a) => a.status)).toEqual(['open', 'resolved']);
  });

  it('handles open → clear → open for one key within one batch as two alerts', async () => {
    const s = store();
    await s.apply([fire('p3b', 'fall', 'high', t0)]);
    const changes = await s.apply([clear('p3b', 'fall', t0 + min), fire('p3b', 'fall', 'high', t0 + 2 * min)]);
    expect(changes.map((c) => c.transition)).toEqual(['resolved', 'opened']);
  });

  it('acknowledges and resolves by id with who, when and a note; 404 and 409 otherwise', async () => {
    const s = store();
    const [opened] = await s.apply([fire('p4', 'fall', 'high', t0)]);
    const id = opened?.alert.id as string;
    const resolved = await s.resolve(id, 'dr-2', t0 + min, 'patient checked, no injury');
    expect(resolved.alert).toMatchObject({
      status: 'resolved',
      resolvedBy: 'dr-2',
      resolvedAtMs: t0 + min,
      resolution: 'manual',
      resolveNote: 'patient checked, no injury',
    });
    await expect(s.resolve(id, 'dr-2', t0 + 2 * min)).rejects.toMatchObject({ code: 'VT_ERR_CONFLICT' });
    await expect(s.acknowledge(id, 'dr-2', t0 + 2 * min)).rejects.toMatchObject({ code: 'VT_ERR_CONFLICT' });
    await expect(s.acknowledge('no-such-alert', 'x', t0)).rejects.toMatchObject({ code: 'VT_ERR_NOT_FOUND' });
    const [ack] = await s.apply([fire('p4b', 'fall', 'high', t0)]);
    await s.acknowledge(ack?.alert.id as string, 'n', t0);
    await expect(s.acknowledge(ack?.alert.id as string, 'n', t0)).rejects.toMatchObject({ code: 'VT_ERR_CONFLICT' });
  });

  it('keeps one unresolved alert when several writers open the same key at once', async () => {
    const writers = Array.from({ length: 8 }, () => store());
    const results = await Promise.all(writers.map((w, i) => w.apply([fire('p5', 'news2', 'high', t0 + i, { n: i })])));
    const transitions = results.flat().map((c) => c.transition);
    expect(transitions.filter((t) => t === 'opened')).toHaveLength(1);
    expect(transitions.filter((t) => t === 'updated')).toHaveLength(7);
    const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alert WHERE dedup_key = 'p5:news2'`);
    expect(rows[0]?.n).toBe(1);
    expect((await writers[0]?.activeByKeys(['p5:news2']))?.get('p5:news2')?.occurrences).toBe(8);
  });

  it('never loses an acknowledgement or a firing when they race on the same alert', async () => {
    const s = store();
    const [opened] = await s.apply([fire('p6', 'news2', 'high', t0)]);
    const id = opened?.alert.id as string;
    const firings = Array.from({ length: 5 }, (_, i) => store().apply([fire('p6', 'news2', 'high', t0 + i + 1, { n: i })]));
    await Promise.all([...firings, s.acknowledge(id, 'nurse-3', t0 + 10)]);
    const final = await s.get(id);
    expect(final).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'nurse-3', occurrences: 6, revision: 7 });
  });

  it('as the sole writer, plans from the unresolved alerts it holds instead of reading them, and follows every change it writes', async () => {
    const statements: string[] = [];
    // A view of the same database that records what the store sends (a client of its own, so the
    // store's unresolved alerts start unknown and are loaded from what earlier tests left).
    const counted = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === 'query')
          return (sql: string, ...rest: unknown[]) => {
            statements.push(sql.trim().split(/\s+/)[0] as string);
            return (target.query as (...a: unknown[]) => unknown)(sql, ...rest);
          };
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SqlClient;
    const sole = new AlertStore(counted, { nowMs: () => clock, newId: () => `a${++ids}`, updateRefreshMs: 0, soleWriter: true });
    const clears = Array.from({ length: 50 }, (_, i) => clear(`r${i}`, 'news2', t0));
    expect(await sole.apply(clears)).toEqual([]);
    expect(statements).toEqual(['SELECT']); // loading the unresolved alerts, once
    statements.length = 0;
    expect(await sole.apply(clears)).toEqual([]);
    expect(statements).toEqual([]); // nothing to read, nothing to write
    const [opened] = await sole.apply([...clears, fire('r7', 'news2', 'high', t0)]);
    expect(opened?.transition).toBe('opened');
    expect(statements).toEqual(['INSERT']); // a new key: no alert to read
    statements.length = 0;
    const [resolved] = await sole.apply(clears);
    expect(resolved).toMatchObject({ transition: 'resolved', alert: { id: opened?.alert.id } });
    expect(statements).toEqual(['UPDATE']); // r7's alert was at hand
    statements.length = 0;
    const [again] = await sole.apply([fire('r7', 'news2', 'high', t0 + min)]);
    await sole.resolve(again?.alert.id as string, 'nurse-9', t0 + 2 * min);
    statements.length = 0;
    expect(await sole.apply(clears)).toEqual([]);
    expect(statements).toEqual([]); // resolved by hand: the key is free again
    // A store that is not the sole writer reads every key, every time.
    const shared = new AlertStore(counted, { nowMs: () => clock, updateRefreshMs: 0, soleWriter: false });
    expect(await shared.apply(clears)).toEqual([]);
    expect(statements).toEqual(['SELECT']);
  });

  it('as the sole writer, recovers when the alert it holds is older than the row (compare-and-set, then a locked re-read)', async () => {
    // `other` writes through its own client view, so `sole` does not see its change.
    const other = new AlertStore(new Proxy(db, {}) as SqlClient, { nowMs: () => clock, updateRefreshMs: 0, soleWriter: true });
    const sole = new AlertStore(db, { nowMs: () => clock, updateRefreshMs: 0, soleWriter: true });
    const [opened] = await sole.apply([fire('r70', 'news2', 'high', t0)]);
    const [escalated] = await other.apply([fire('r70', 'news2', 'critical', t0 + min)]);
    expect(escalated).toMatchObject({ transition: 'escalated', alert: { revision: 2 } });
    const [resolved] = await sole.apply([clear('r70', 'news2', t0 + 2 * min)]);
    expect(resolved).toMatchObject({
      transition: 'resolved',
      alert: { id: opened?.alert.id, status: 'resolved', peakSeverity: 'critical', revision: 3 },
    });
  });

  it('sends the UPDATE and the INSERT of one batch together when they concern different keys', async () => {
    const s = store();
    await s.apply([fire('r80', 'fall', 'high', t0)]);
    const changes = await s.apply([clear('r80', 'fall', t0 + min), fire('r81', 'fall', 'high', t0 + min)]);
    expect(changes.map((c) => [c.alert.patientId, c.transition])).toEqual([
      ['r80', 'resolved'],
      ['r81', 'opened'],
    ]);
  });

  it('as the sole writer, still resolves an alert another store on the same client opened', async () => {
    const a = store();
    const b = store();
    const [opened] = await a.apply([fire('r60', 'glucose-low', 'critical', t0)]);
    const [resolved] = await b.apply([clear('r60', 'glucose-low', t0 + min)]);
    expect(resolved).toMatchObject({ transition: 'resolved', alert: { id: opened?.alert.id, status: 'resolved' } });
  });

  it('lists by patient, status, kind and change time, newest opened first, with a keyset cursor', async () => {
    const s = store();
    clock = t0 + 60 * min;
    for (let i = 0; i < 5; i++) await s.apply([fire(`q${i % 2}`, i % 2 === 0 ? 'glucose-high' : 'stale-data', 'low', t0 + i * min)]);
    const q0 = await s.list({ patientIds: ['q0'] });
    expect(q0.map((a) => a.patientId)).toEqual(['q0']);
    const all = await s.list({ patientIds: ['q0', 'q1'], statuses: ['open'], changedSinceMs: t0 + 60 * min });
    expect(all.map((a) => a.kind).sort((a, b) => a.localeCompare(b))).toEqual(['glucose-high', 'stale-data']);
    expect(await s.list({ kinds: ['stale-data'], patientIds: ['q1'] })).toHaveLength(1);
    expect(await s.list({ changedSinceMs: t0 + 61 * min })).toEqual([]);
    const page1 = await s.list({ limit: 2 });
    const page2 = await s.list({ limit: 2, before: { openedAtMs: page1[1]!.openedAtMs, id: page1[1]!.id } });
    expect(page2).toHaveLength(2);
    expect(page2[0]!.openedAtMs).toBeLessThanOrEqual(page1[1]!.openedAtMs);
    expect(new Set([...page1, ...page2].map((a) => a.id)).size).toBe(4);
  });
});
