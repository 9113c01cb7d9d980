import { describe, expect, it } from 'vitest';
import type { DeviceReading } from '../store/time-series-store.ts';
import type { DeadLetterInput } from './dead-letter-store.ts';
import type { BatchEntry, BatchWriteResult } from './ingest-batch-writer.ts';
import { type CommittedBatch, IngestBatcher, type PendingEntry } from './ingest-batcher.ts';

const reading = (i: number): DeviceReading => ({ patientId: 'p', code: '8867-4', timeMs: i, value: 60, unit: '/min', deviceId: 'd' });
const letter = (detail: string): DeadLetterInput => ({
  receivedAtMs: 0,
  transport: 'mqtt',
  topic: null,
  deviceId: 'd',
  reason: 'store-failed',
  detail,
  sampleIndex: null,
  payload: '{}',
});
const entry = (n: number, tag = ''): PendingEntry => ({
  readings: Array.from({ length: n }, (_, i) => reading(i)),
  deadLetters: tag ? [{ ...letter(tag), reason: 'schema' }] : [],
  refusedLetter: (detail) => letter(detail),
});
const ok = (entries: readonly BatchEntry[]): BatchWriteResult => ({
  duplicatesPerEntry: entries.map(() => 0),
  duplicateFlags: entries.map((e) => new Uint8Array(e.readings.length)),
});

describe('IngestBatcher (group commit)', () => {
  it('puts messages submitted together into one batch and settles them in submission order', async () => {
    const batches: number[] = [];
    const batcher = new IngestBatcher(
      async (entries) => {
        batches.push(entries.length);
        return ok(entries);
      },
      { maxBatchReadings: 1000, lingerMs: 2, onCommitted: () => undefined, onFailure: () => undefined },
    );
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.submit(entry(10)).then(() => order.push(i))));
    expect(batches).toEqual([20]);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('while a batch is in flight, messages submitted in one turn form one further batch, not one of the first and one of the rest', async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batcher = new IngestBatcher(
      async (entries) => {
        sizes.push(entries.length);
        if (sizes.length === 1) await first;
        return ok(entries);
      },
      { maxBatchReadings: 1000, lingerMs: 2, concurrency: 2, onCommitted: () => undefined, onFailure: () => undefined },
    );
    const all = [batcher.submit(entry(1))];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sizes).toEqual([1]);
    // One socket read's worth of messages, handed over one by one in the same turn.
    for (let i = 0; i < 30; i++) all.push(batcher.submit(entry(1)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sizes).toEqual([1, 30]);
    release();
    await Promise.all(all);
    expect(sizes).toEqual([1, 30]);
  });

  it('caps a batch at maxBatchReadings without splitting a message, and accumulates the next batch while one is written', async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const batcher = new IngestBatcher(
      async (entries) => {
        calls += 1;
        if (calls === 1) await first;
        sizes.push(entries.reduce((n, e) => n + e.readings.length, 0));
        return ok(entries);
      },
      { maxBatchReadings: 25, lingerMs: 0, onCommitted: () => undefined, onFailure: () => undefined },
    );
    const all = [batcher.submit(entry(10))];
    // These arrive while the first batch is being written.
    for (let i = 0; i < 6; i++) all.push(batcher.submit(entry(10)));
    all.push(batcher.submit(entry(40)));
    release();
    await Promise.all(all);
    expect(sizes).toEqual([10, 20, 20, 20, 40]);
  });

  it('isolates a message the database refuses: the others are stored, it is dead-lettered as store-failed', async () => {
    const committed: CommittedBatch[] = [];
    let failures = 0;
    const batcher = new IngestBatcher(
      async (entries) => {
        if (entries.some((e) => e.readings.length === 3)) throw new Error('value out of range for type');
        return ok(entries);
      },
      { maxBatchReadings: 1000, lingerMs: 1, onCommitted: (b) => committed.push(b), onFailure: () => (failures += 1) },
    );
    const results = await Promise.all([batcher.submit(entry(1)), batcher.submit(entry(3, 'bad sample')), batcher.submit(entry(2))]);
    expect(results.map((r) => r.refused)).toEqual([false, true, false]);
    expect(failures).toBeGreaterThanOrEqual(2);
    const letters = committed.flatMap((b) => b.entries.flatMap((e) => e.deadLetters));
    // The refused message keeps its own dead letters and gains a store-failed one.
    expect(letters.map((l) => l.reason)).toEqual(['schema', 'store-failed']);
    expect(letters[1]?.detail).toContain('value out of range');
  });

  it('rejects (so MQTT does not acknowledge) when the database is unavailable', async () => {
    const batcher = new IngestBatcher(
      async () => {
        throw new Error('connection terminated');
      },
      { maxBatchReadings: 1000, lingerMs: 1, onCommitted: () => undefined, onFailure: () => undefined },
    );
    const outcomes = await Promise.allSettled([batcher.submit(entry(1)), batcher.submit(entry(1)), batcher.submit(entry(1))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('drain waits for everything submitted', async () => {
    let stored = 0;
    const batcher = new IngestBatcher(
      async (entries) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        stored += entries.length;
        return ok(entries);
      },
      { maxBatchReadings: 5, lingerMs: 50, onCommitted: () => undefined, onFailure: () => undefined },
    );
    for (let i = 0; i < 7; i++) void batcher.submit(entry(2));
    await batcher.drain();
    expect(stored).toBe(7);
    expect(batcher.pendingReadings).toBe(0);
  });
});

describe('IngestBatcher with concurrent batches', () => {
  it('writes batches concurrently but settles them in submission order', async () => {
    const delays = [30, 5, 15];
    let call = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const committedOrder: number[] = [];
    const batcher = new IngestBatcher(
      async (entries) => {
        const delay = delays[call++ % delays.length] as number;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((resolve) => setTimeout(resolve, delay));
        concurrent -= 1;
        return ok(entries);
      },
      {
        maxBatchReadings: 10,
        lingerMs: 0,
        concurrency: 3,
        onCommitted: (b) => committedOrder.push(b.entries[0]?.readings[0]?.timeMs ?? -1),
        onFailure: () => undefined,
      },
    );
    const settledOrder: number[] = [];
    // Six messages of 10 readings each (all at time i): one message per batch.
    const all = Array.from({ length: 6 }, (_, i) =>
      batcher
        .submit({ ...entry(0), readings: Array.from({ length: 10 }, () => ({ ...reading(i), timeMs: i })) })
        .then(() => settledOrder.push(i)),
    );
    await Promise.all(all);
    expect(maxConcurrent).toBeGreaterThan(1);
    expect(settledOrder).toEqual([0, 1, 2, 3, 4, 5]);
    expect(committedOrder).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
