import type { DeadLetterReason } from './dead-letter-reason.ts';
import { deadLetterReasons } from './dead-letter-reason.ts';
import type { IngestTransport } from './dead-letter-store.ts';
import type { PayloadFormat } from './decoded-sample.ts';

/** Upper bounds (seconds) of the batch-commit histogram buckets. */
const batchBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/**
 * Ingest counters since process start, rendered in the Prometheus text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats): counters end in `_total`, the histogram
 * has cumulative `_bucket{le=...}` lines plus `_sum` and `_count`.
 */
export class IngestMetrics {
  private readonly messages = new Map<string, number>();
  readingsStored = 0;
  readingsDuplicate = 0;
  private readonly deadLetters = new Map<DeadLetterReason, number>();
  batches = 0;
  storeFailures = 0;
  private readonly bucketCounts = new Float64Array(batchBuckets.length);
  private batchSecondsSum = 0;

  /** `pendingReadings` reads the batcher's queue at render time. */
  constructor(private readonly pendingReadings: () => number = () => 0) {}

  countMessage(transport: IngestTransport, format: PayloadFormat | 'unknown'): void {
    const key = `${transport}|${format}`;
    this.messages.set(key, (this.messages.get(key) ?? 0) + 1);
  }

  countDeadLetter(reason: DeadLetterReason, n = 1): void {
    this.deadLetters.set(reason, (this.deadLetters.get(reason) ?? 0) + n);
  }

  observeBatch(seconds: number, stored: number, duplicates: number): void {
    this.batches += 1;
    this.readingsStored += stored;
    this.readingsDuplicate += duplicates;
    this.batchSecondsSum += seconds;
    for (let i = 0; i < batchBuckets.length; i++)
      if (seconds <= (batchBuckets[i] as number)) this.bucketCounts[i] = (this.bucketCounts[i] as number) + 1;
  }

  messagesTotal(): number {
    let n = 0;
    for (const v of this.messages.values()) n += v;
    return n;
  }

  deadLettersTotal(reason?: DeadLetterReason): number {
    if (reason !== undefined) return this.deadLetters.get(reason) ?? 0;
    let n = 0;
    for (const v of this.deadLetters.values()) n += v;
    return n;
  }

  renderPrometheus(): string {
    const out: string[] = [];
    const head = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    head('vitaltwin_ingest_messages_total', 'counter', 'Device messages received, by transport and payload format.');
    const keys = [...this.messages.keys()].sort((a, b) => a.localeCompare(b));
    for (const key of keys) {
      const [transport, format] = key.split('|');
      out.push(`vitaltwin_ingest_messages_total{transport="${transport}",format="${format}"} ${this.messages.get(key)}`);
    }
    head('vitaltwin_ingest_readings_stored_total', 'counter', 'Readings durably stored.');
    out.push(`vitaltwin_ingest_readings_stored_total ${this.readingsStored}`);
    head(
      'vitaltwin_ingest_readings_duplicate_total',
      'counter',
      'Readings not stored because the same device, code and time was already stored (device re-sends).',
    );
    out.push(`vitaltwin_ingest_readings_duplicate_total ${this.readingsDuplicate}`);
    head('vitaltwin_ingest_dead_letters_total', 'counter', 'Messages or samples written to the dead-letter table, by reason.');
    for (const reason of deadLetterReasons)
      out.push(`vitaltwin_ingest_dead_letters_total{reason="${reason}"} ${this.deadLetters.get(reason) ?? 0}`);
    head(
      'vitaltwin_ingest_store_failures_total',
      'counter',
      'Batch writes the database refused (a failed batch is retried message by message).',
    );
    out.push(`vitaltwin_ingest_store_failures_total ${this.storeFailures}`);
    head('vitaltwin_ingest_pending_readings', 'gauge', 'Readings received and waiting for the next batch commit.');
    out.push(`vitaltwin_ingest_pending_readings ${this.pendingReadings()}`);
    head(
      'vitaltwin_ingest_batch_duration_seconds',
      'histogram',
      'Time to commit one micro-batch (readings and dead letters in one transaction).',
    );
    batchBuckets.forEach((le, i) => {
      out.push(`vitaltwin_ingest_batch_duration_seconds_bucket{le="${le}"} ${this.bucketCounts[i]}`);
    });
    out.push(`vitaltwin_ingest_batch_duration_seconds_bucket{le="+Inf"} ${this.batches}`);
    out.push(`vitaltwin_ingest_batch_duration_seconds_sum ${this.batchSecondsSum}`);
    out.push(`vitaltwin_ingest_batch_duration_seconds_count ${this.batches}`);
    return `${out.join('\n')}\n`;
  }
}
