import { testEngines } from '@vitaltwin/platform/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { registerDeviceBindings } from './device-registration.ts';
import { IngestPipeline, type MessageResult, type StoredReadingsBatch } from './ingest-pipeline.ts';

const engines = await testEngines('ingest pipeline');
const t0 = Date.UTC(2026, 10, 21, 10);
const iso = (ms: number) => new Date(ms).toISOString();
const hr = (ms: number, value = 72) => ({ code: '8867-4', value, unit: '/min', time: iso(ms) });
const compact = (...samples: unknown[]) => JSON.stringify({ samples });

describe.each(engines)('ingest pipeline on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let pipeline: IngestPipeline;
  const stored: StoredReadingsBatch[] = [];

  const send = (
    deviceId: string,
    payload: string | Uint8Array,
    format: 'compact' | 'omh' | 'fhir' = 'compact',
    receivedAtMs = t0,
  ): Promise<MessageResult> =>
    pipeline.ingest({ transport: 'mqtt', topic: `vitaltwin/devices/${deviceId}/readings`, deviceId, format, payload, receivedAtMs });

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    await registerDeviceBindings(db, [
      { deviceId: 'd1', patientId: 'p1' },
      { deviceId: 'd2', patientId: 'p2' },
    ]);
    await db.query(
      `INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, content) VALUES
         ('Device', 'no-patient', 1, now(), '{"resourceType":"Device","id":"no-patient","status":"active"}'),
         ('Device', 'retired', 1, now(), '{"resourceType":"Device","id":"retired","status":"inactive","patient":{"reference":"Patient/p1"}}')`,
    );
    pipeline = new IngestPipeline({ db, lingerMs: 1 });
    pipeline.onReadingsStored((batch) => {
      stored.push(batch);
    });
  });
  afterAll(async () => {
    await pipeline.close();
    await dispose();
  });

  it('stores a compact message durably, in canonical units, and tells onReadingsStored', async () => {
    const result = await send('d1', compact(hr(t0), { code: '8310-5', value: 98.6, unit: '[degF]', time: iso(t0) }));
    expect(result).toEqual({ stored: 2, duplicates: 0, deadLettered: [] });
    const series = await new TimeSeriesStore(db).series('p1', '8310-5', t0, t0 + 1);
    expect(series).toHaveLength(1);
    expect(series[0]?.value).toBeCloseTo(37, 9);
    expect(series[0]).toMatchObject({ unit: 'Cel', deviceId: 'd1' });
    const events = stored.flatMap((b) => b.readings);
    expect(events.map((r) => [r.patientId, r.code])).toEqual([
      ['p1', '8867-4'],
      ['p1', '8310-5'],
    ]);
  });

  it('counts device re-sends as duplicates, not errors, within and across batches', async () => {
    const before = pipeline.metrics.readingsDuplicate;
    const again = await send('d1', compact(hr(t0), hr(t0 + 1000)));
    expect(again).toEqual({ stored: 1, duplicates: 1, deadLettered: [] });
    // Two copies of the same reading in one batch: the first is stored, the second is a duplicate.
    const [a, b] = await Promise.all([send('d2', compact(hr(t0 + 5000))), send('d2', compact(hr(t0 + 5000)))]);
    expect([a.stored + b.stored, a.duplicates + b.duplicates]).toEqual([1, 1]);
    expect(pipeline.metrics.readingsDuplicate - before).toBe(2);
    const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM device_reading WHERE patient_id = 'p2'");
    expect(rows[0]?.n).toBe(1);
  });

  it('keeps the valid samples of a message and dead-letters each bad one with its reason and index', async () => {
    const result = await send(
      'd1',
      compact(
        hr(t0 + 10_000),
        { code: '1234-5', value: 1, unit: '/min', time: iso(t0) },
        { code: '8867-4', value: 72, unit: 'bpm', time: iso(t0) },
        { code: '8867-4', value: 900, unit: '/min', time: iso(t0) },
        { code: '8867-4', value: 'x', unit: '/min', time: iso(t0) },
        { code: '8867-4', value: 70, unit: '/min', time: iso(t0 + 86_400_000) },
      ),
    );
    expect(result.stored).toBe(1);
    expect(result.deadLettered.map((d) => [d.sample, d.reason])).toEqual([
      [4, 'schema'],
      [1, 'unknown-code'],
      [2, 'wrong-unit'],
      [3, 'implausible'],
      [5, 'implausible'],
    ]);
    const letters = await pipeline.deadLetters.list({ deviceId: 'd1', limit: 5 });
    expect(letters.map((l) => l.reason).sort((x, y) => x.localeCompare(y))).toEqual([
      'implausible',
      'implausible',
      'schema',
      'unknown-code',
      'wrong-unit',
    ]);
    const wrongUnit = letters.find((l) => l.reason === 'wrong-unit');
    expect(wrongUnit).toMatchObject({ transport: 'mqtt', topic: 'vitaltwin/devices/d1/readings', sampleIndex: 2 });
    expect(JSON.parse(wrongUnit?.payload ?? 'null')).toEqual({ code: '8867-4', value: 72, unit: 'bpm', time: iso(t0) });
  });

  it('dead-letters whole messages it cannot read, keeping the raw payload', async () => {
    const cases: [string, string | Uint8Array, string][] = [
      ['d1', '{"samples": [', 'invalid-json'],
      ['d1', new Uint8Array([0xff, 0xfe, 0x00, 0x41]), 'invalid-json'],
      ['d1', '{"readings":[]}', 'schema'],
      ['nobody', compact(hr(t0)), 'unknown-device'],
      ['no-patient', compact(hr(t0)), 'unknown-device'],
      ['retired', compact(hr(t0)), 'unknown-device'],
      ['bad id!', compact(hr(t0)), 'unknown-device'],
      ['d1', 'x'.repeat(1024 * 1024 + 1), 'too-large'],
      // A raw NUL is not JSON; PostgreSQL text cannot hold it, so the letter keeps it escaped.
      ['d1', '{"samples":[], "note":"\u0000"}', 'invalid-json'],
      // An escaped NUL is JSON; the sample is still a schema violation.
      ['d1', '{"samples":[{"code":"\\u0000","value":1,"unit":"/min","time":"x"}]}', 'schema'],
    ];
    for (const [deviceId, payload, reason] of cases) {
      const result = await send(deviceId, payload);
      expect(result.stored).toBe(0);
      expect(result.deadLettered.map((d) => d.reason)).toEqual([reason]);
    }
    const latest = await pipeline.deadLetters.list({ limit: cases.length });
    const byReason = (r: string) => latest.filter((l) => l.reason === r);
    expect(byReason('invalid-json').map((l) => l.payload)).toContain('{"samples": [');
    expect(byReason('invalid-json').map((l) => l.payload)).toContain(`base64:${Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64')}`);
    expect(byReason('too-large')[0]?.payload).toHaveLength(65_536);
    expect(byReason('invalid-json').map((l) => l.payload)).toContain('{"samples":[], "note":"\\u0000"}');
    expect(byReason('unknown-device').map((l) => l.detail)).toEqual(
      expect.arrayContaining(['no FHIR Device with this id', 'Device.patient is not set', 'Device.status is inactive']),
    );
  });

  it('routes MQTT topics: other topics pass, malformed ingest topics are dead-lettered', async () => {
    expect(pipeline.ingestMqtt('clinic/chat', 'hello')).toBeUndefined();
    const result = await pipeline.ingestMqtt('vitaltwin/devices/d1/xml', '<x/>');
    expect(result?.deadLettered).toEqual([{ sample: null, reason: 'unknown-topic', detail: expect.any(String) }]);
  });

  it('accepts a device registered after an unknown-device rejection once its cache entry is invalidated', async () => {
    expect((await send('late', compact(hr(t0)))).deadLettered[0]?.reason).toBe('unknown-device');
    await registerDeviceBindings(db, [{ deviceId: 'late', patientId: 'p3' }]);
    pipeline.bindings.invalidate('late');
    expect(await send('late', compact(hr(t0)))).toEqual({ stored: 1, duplicates: 0, deadLettered: [] });
  });

  it('writes concurrent batches that open new monthly partitions without failures', async () => {
    const concurrent = new IngestPipeline({ db, lingerMs: 0, maxBatchReadings: 4, concurrency: 3 });
    const months = [Date.UTC(2026, 5, 10), Date.UTC(2026, 6, 10), Date.UTC(2026, 7, 10)];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        concurrent.ingest({
          transport: 'http',
          deviceId: 'd2',
          format: 'compact',
          payload: compact(hr((months[i % 3] as number) + i * 1000)),
          receivedAtMs: t0,
        }),
      ),
    );
    expect(results.every((r) => r.stored === 1)).toBe(true);
    expect(concurrent.metrics.storeFailures).toBe(0);
    await concurrent.close();
  });

  it('flush waits for what was received, and ends even while devices keep sending', async () => {
    let i = 0;
    const sent: Promise<MessageResult>[] = [];
    const timer = setInterval(() => {
      for (let k = 0; k < 5; k++) sent.push(send('d2', compact(hr(t0 - 7_200_000 + i++ * 1000))));
    }, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = sent.length;
    await pipeline.flush();
    const settled = await Promise.all(sent.slice(0, before));
    clearInterval(timer);
    expect(settled.every((r) => r.stored === 1)).toBe(true);
    await Promise.all(sent);
  });

  it('fuzz: never throws, and every sample is stored, a duplicate, or dead-lettered with a reason', async () => {
    const codes = ['8867-4', '9279-1', '2708-6', '59408-5', '8310-5', '8480-6', '15074-8', '85354-9', '0000-0', ''];
    const units = ['/min', '%', 'Cel', '[degF]', 'mm[Hg]', 'kPa', 'mmol/L', 'mg/dL', 'bpm', '', '{beats}/min'];
    const sample = fc.oneof(
      fc.record({
        code: fc.constantFrom(...codes),
        value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -50, max: 400 })),
        unit: fc.constantFrom(...units),
        time: fc.oneof(
          fc.integer({ min: t0 - 86_400_000, max: t0 + 3_600_000 }).map(iso),
          fc.constantFrom('2026-11-21T10:00:00+05:30', '1999-12-31T23:59:59Z', '2026-11-21', 'now', ''),
        ),
      }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const message = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .array(sample, { minLength: 1, maxLength: 8 })
          .map((samples) => ({ text: JSON.stringify({ samples }), n: samples.length })),
      },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v) ?? 'null', n: -1 })) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((text) => ({ text, n: -1 })) },
    );
    const lettersBefore = await countRows(db, 'dead_letter');
    let letters = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('d1', 'd2', 'nobody'),
        async (messages, deviceId) => {
          const results = await Promise.all(messages.map((m) => send(deviceId, m.text)));
          results.forEach((r, i) => {
            const { n } = messages[i] as { n: number };
            letters += r.deadLettered.length;
            for (const d of r.deadLettered) expect(d.reason).toMatch(/^[a-z-]+$/);
            const whole = r.deadLettered.some((d) => d.sample === null);
            if (whole) {
              expect(r.stored + r.duplicates).toBe(0);
              return;
            }
            if (n < 0) return;
            const rejected = new Set(r.deadLettered.map((d) => d.sample));
            expect(rejected.size).toBe(r.deadLettered.length);
            expect(r.stored + r.duplicates + rejected.size).toBe(n);
          });
        },
      ),
      { numRuns: engine.name === 'pglite' ? 120 : 40, seed: 20261121 },
    );
    expect((await countRows(db, 'dead_letter')) - lettersBefore).toBe(letters);
  });
});

async function countRows(db: SqlClient, table: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? 0;
}
