import { describe, expect, it } from 'vitest';
import type { SqlQueryable } from '../store/sql-client.ts';
import { DeviceBindingCache } from './device-binding.ts';

/** Device rows by id, read by a database whose queries answer only when the test releases them. */
function gatedDevices(devices: Record<string, string | null>) {
  const waiting: (() => void)[] = [];
  const asked: string[][] = [];
  const db: SqlQueryable = {
    query: <Row>(_sql: string, params: readonly unknown[] = []) => {
      const ids = params[0] as string[];
      asked.push(ids);
      return new Promise<Row[]>((resolve) =>
        waiting.push(() =>
          resolve(
            ids.filter((id) => id in devices).map((id) => ({ id, patient_ref: devices[id] ?? null, status: 'active' })) as unknown as Row[],
          ),
        ),
      );
    },
    exec: async () => {},
    copyFrom: async () => {},
  };
  return { db, devices, asked, release: () => waiting.shift()?.() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('device binding cache', () => {
  it('answers a stale binding at once while it is re-read, then the re-read one', async () => {
    let now = 0;
    const gate = gatedDevices({ d1: 'Patient/p1' });
    const cache = new DeviceBindingCache(gate.db, { ttlMs: 30_000, nowMs: () => now });
    const first = cache.resolve('d1');
    await tick();
    gate.release();
    expect(await first).toEqual({ patientId: 'p1' });
    // Rebound elsewhere; the binding goes stale.
    gate.devices.d1 = 'Patient/p2';
    now = 31_000;
    expect(cache.peek('d1')).toEqual({ patientId: 'p1' });
    expect(cache.peek('d1')).toEqual({ patientId: 'p1' });
    await tick();
    expect(gate.asked).toEqual([['d1'], ['d1']]);
    gate.release();
    await tick();
    expect(cache.peek('d1')).toEqual({ patientId: 'p2' });
  });

  it('stops answering a binding stale for more than one more ttl, and never answers "unknown" stale', async () => {
    let now = 0;
    const gate = gatedDevices({ d1: 'Patient/p1' });
    const cache = new DeviceBindingCache(gate.db, { ttlMs: 30_000, negativeTtlMs: 5_000, nowMs: () => now });
    const both = Promise.all([cache.resolve('d1'), cache.resolve('nope')]);
    await tick();
    gate.release();
    expect(await both).toEqual([{ patientId: 'p1' }, { patientId: null, detail: 'no FHIR Device with this id' }]);
    now = 6_000;
    expect(cache.peek('nope')).toBeUndefined();
    now = 60_001;
    expect(cache.peek('d1')).toBeUndefined();
  });

  it('does not keep a read that started before an invalidation', async () => {
    let now = 0;
    const gate = gatedDevices({ d1: 'Patient/p1' });
    const cache = new DeviceBindingCache(gate.db, { ttlMs: 30_000, nowMs: () => now });
    const first = cache.resolve('d1');
    await tick();
    gate.release();
    await first;
    now = 31_000;
    cache.peek('d1');
    await tick();
    // The Device is rewritten through this server while the background read is out.
    gate.devices.d1 = 'Patient/p9';
    cache.invalidate('d1');
    gate.release();
    await tick();
    expect(cache.peek('d1')).toBeUndefined();
    const again = cache.resolve('d1');
    await tick();
    gate.release();
    expect(await again).toEqual({ patientId: 'p9' });
  });
});
