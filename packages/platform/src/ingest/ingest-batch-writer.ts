import type { ScriptStep, SqlClient, SqlQueryable } from '../store/sql-client.ts';
import { type DeviceReading, type TimeSeriesStore, uniqueViolation } from '../store/time-series-store.ts';
import { type DeadLetterInput, type DeadLetterStore, deadLetterInsertStep } from './dead-letter-store.ts';

/** What one message contributes to a batch. */
export interface BatchEntry {
  readonly readings: readonly DeviceReading[];
  readonly deadLetters: readonly DeadLetterInput[];
}

export interface BatchWriteResult {
  /** Per entry, how many of its readings were already stored (device re-sends) or repeated within the batch. */
  readonly duplicatesPerEntry: readonly number[];
  /** Per entry, which of its readings were duplicates (1) or newly stored (0), in reading order. */
  readonly duplicateFlags: readonly Uint8Array[];
}

/**
 * Writes one micro-batch — the readings and dead letters of many messages — in one transaction, so
 * a message is either wholly durable or not at all. The batch is first sent as one transaction
 * script (COPY straight into the month partitions, then the dead letters), prepared before the
 * database is asked, so on PGlite's thread the next batch queues while this one is written. When a
 * device re-send makes that fail on the primary key, the batch is written again through
 * `TimeSeriesStore.writeIn`: duplicates are identified (within the batch, first one wins; and
 * against stored rows), and only the new readings are written, so every reading is accounted for
 * as stored or duplicate.
 */
export class IngestBatchWriter {
  private partitions: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: SqlClient,
    private readonly series: TimeSeriesStore,
    private readonly deadLetters: DeadLetterStore,
  ) {}

  async write(entries: readonly BatchEntry[]): Promise<BatchWriteResult> {
    const all: DeviceReading[] = [];
    const letters: DeadLetterInput[] = [];
    for (const e of entries) {
      for (const r of e.readings) all.push(r);
      for (const l of e.deadLetters) letters.push(l);
    }
    if (all.length > 0) {
      // Concurrent batches must not race to create the same partition or series (two CREATE TABLE
      // IF NOT EXISTS in flight can both try, and one fails); both are cached, so this rarely waits.
      const ensured = this.partitions.then(() => this.series.prepare(all));
      this.partitions = ensured.catch(() => undefined);
      await ensured;
    }
    const duplicate = (await this.writeScript(all, letters))
      ? new Uint8Array(all.length)
      : await this.db.transaction(async (tx) => {
          const flags = all.length > 0 ? await this.writeReadings(tx, all) : new Uint8Array(0);
          await this.deadLetters.insertIn(tx, letters);
          return flags;
        });
    const duplicatesPerEntry: number[] = [];
    const duplicateFlags: Uint8Array[] = [];
    let offset = 0;
    for (const e of entries) {
      const flags = duplicate.subarray(offset, offset + e.readings.length);
      offset += e.readings.length;
      let n = 0;
      for (let i = 0; i < flags.length; i++) n += flags[i] as number;
      duplicatesPerEntry.push(n);
      duplicateFlags.push(flags);
    }
    return { duplicatesPerEntry, duplicateFlags };
  }

  /** The fast path: true when the batch is stored, false when it holds re-sends (nothing written then). */
  private async writeScript(all: readonly DeviceReading[], letters: readonly DeadLetterInput[]): Promise<boolean> {
    const steps: ScriptStep[] = all.length > 0 ? this.series.copySteps(all) : [];
    if (letters.length > 0) steps.push(deadLetterInsertStep(letters));
    if (steps.length === 0) return true;
    try {
      await this.db.transactionScript(steps);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === uniqueViolation) return false;
      throw error;
    }
  }

  /** Returns a flag per reading: 1 when it was a duplicate. */
  private async writeReadings(tx: SqlQueryable, all: readonly DeviceReading[]): Promise<Uint8Array> {
    const flags = new Uint8Array(all.length);
    await tx.query('SAVEPOINT ingest_batch');
    const inserted = await this.series.writeIn(tx, all);
    if (inserted === all.length) {
      await tx.query('RELEASE SAVEPOINT ingest_batch');
      return flags;
    }
    await tx.query('ROLLBACK TO SAVEPOINT ingest_batch');
    // First occurrence of each key within the batch wins; later ones are duplicates.
    const seen = new Set<string>();
    const unique: number[] = [];
    for (let i = 0; i < all.length; i++) {
      const r = all[i] as DeviceReading;
      const key = `${r.patientId}\u0000${r.code}\u0000${r.timeMs}\u0000${r.deviceId ?? ''}`;
      if (seen.has(key)) flags[i] = 1;
      else {
        seen.add(key);
        unique.push(i);
      }
    }
    const existing = await tx.query<{ ord: number }>(
      `SELECT k.ord::int AS ord
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) WITH ORDINALITY AS k(patient_id, code, t, device_id, ord)
        WHERE EXISTS (SELECT 1 FROM device_reading r
                       WHERE r.patient_id = k.patient_id AND r.code = k.code AND r.t = k.t AND r.device_id = k.device_id)`,
      [
        unique.map((i) => (all[i] as DeviceReading).patientId),
        unique.map((i) => (all[i] as DeviceReading).code),
        unique.map((i) => new Date((all[i] as DeviceReading).timeMs).toISOString()),
        unique.map((i) => (all[i] as DeviceReading).deviceId ?? ''),
      ],
    );
    for (const { ord } of existing) flags[unique[ord - 1] as number] = 1;
    const fresh = unique.filter((i) => flags[i] === 0).map((i) => all[i] as DeviceReading);
    // On PostgreSQL another writer may commit the same key in between; writeIn then skips it, and
    // the count stays right even though that reading is reported as stored here.
    if (fresh.length > 0) await this.series.writeIn(tx, fresh);
    await tx.query('RELEASE SAVEPOINT ingest_batch');
    return flags;
  }
}
