import { describe, expect, it } from 'vitest';
import type { SqlQueryable } from '../store/sql-client.ts';
import { Spo2ScaleFlags } from './spo2-scale-flags.ts';

/** A database whose Flag query answers only when the test releases it, with the rows given then. */
function gatedDb() {
  const waiting: ((rows: unknown[]) => void)[] = [];
  let queries = 0;
  const db: SqlQueryable = {
    query: <Row>() => {
      queries += 1;
      return new Promise<Row[]>((resolve) => waiting.push(resolve as (rows: unknown[]) => void));
    },
    exec: async () => {},
    copyFrom: async () => {},
  };
  const flag = (patient: string) => ({ subject: `Patient/${patient}`, period_end: null });
  return {
    db,
    queries: () => queries,
    release: (...patients: string[]) => waiting.shift()?.(patients.map(flag)),
  };
}

describe('SpO2 scale 2 flags', () => {
  it('renews the set in the background from 80 % of its lifetime, and waits only for an expired one', async () => {
    let now = 1_000_000;
    const gate = gatedDb();
    const flags = new Spo2ScaleFlags(gate.db, () => now, 30_000);
    const first = flags.scale2Patients();
    gate.release('p1');
    expect([...(await first)]).toEqual(['p1']);
    now += 10_000;
    expect([...(await flags.scale2Patients())]).toEqual(['p1']);
    expect(gate.queries()).toBe(1);
    // At 25 s: the cached set comes back without waiting for the database (still gated here).
    now += 15_000;
    expect([...(await flags.scale2Patients())]).toEqual(['p1']);
    expect([...(await flags.scale2Patients())]).toEqual(['p1']);
    expect(gate.queries()).toBe(2);
    gate.release('p2');
    await new Promise((resolve) => setImmediate(resolve));
    expect([...(await flags.scale2Patients())]).toEqual(['p2']);
    // Idle past the lifetime: the next call waits for the read.
    now += 60_000;
    let answered = false;
    const next = flags.scale2Patients().then((set) => {
      answered = true;
      return set;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    gate.release('p3');
    expect([...(await next)]).toEqual(['p3']);
  });

  it('waits for a fresh read after invalidate (a Flag was just written)', async () => {
    const gate = gatedDb();
    const flags = new Spo2ScaleFlags(gate.db, () => 0, 30_000);
    const first = flags.scale2Patients();
    gate.release();
    expect([...(await first)]).toEqual([]);
    flags.invalidate();
    let answered = false;
    const next = flags.scale2Patients().then((set) => {
      answered = true;
      return set;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    gate.release('p3');
    expect([...(await next)]).toEqual(['p3']);
  });
});
