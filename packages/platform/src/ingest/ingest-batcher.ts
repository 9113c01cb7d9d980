import type { DeadLetterInput } from './dead-letter-store.ts';
import type { BatchEntry, BatchWriteResult } from './ingest-batch-writer.ts';
import { truncate } from './schema-issue-detail.ts';

/** A message waiting for its batch: its readings and dead letters, and the letter that replaces it if the database refuses it. */
export interface PendingEntry extends BatchEntry {
  /** Message-level `store-failed` letter (raw payload) written instead when this entry alone cannot be stored. */
  readonly refusedLetter: (detail: string) => DeadLetterInput;
}

export interface EntryResult {
  /** Flag per reading: 1 = duplicate (already stored), 0 = stored now. */
  readonly duplicateFlags: Uint8Array;
  readonly duplicates: number;
  /** Set when the database refused this entry and it was dead-lettered as `store-failed` instead. */
  readonly refused: boolean;
}

export interface CommittedBatch {
  readonly entries: readonly BatchEntry[];
  readonly result: BatchWriteResult;
  readonly seconds: number;
}

export interface BatcherOptions {
  /** A batch is written as soon as this many readings wait (an entry is never split). */
  readonly maxBatchReadings: number;
  /** How long the first message of an idle period waits for company before its batch is written. */
  readonly lingerMs: number;
  /** Batches written at the same time (1 for PGlite, which has one connection; more on PostgreSQL). */
  readonly concurrency?: number;
  readonly onCommitted: (batch: CommittedBatch) => void;
  readonly onFailure: (error: unknown) => void;
}

interface Waiting {
  readonly entry: PendingEntry;
  resolve(result: EntryResult): void;
  reject(error: unknown): void;
}

/** What a written batch settles with, applied in batch order. */
type Settlement = { readonly committed: CommittedBatch[]; readonly outcomes: ({ ok: EntryResult } | { error: unknown })[] };

/**
 * Group commit: messages submitted while a batch is being written form the next batch, so under
 * load one transaction carries many messages (and the commit cost is shared), while a lone message
 * waits at most `lingerMs`. With `concurrency` > 1 several batches are written at once, but they
 * settle strictly in order: each message's promise (and the onCommitted report) follows its batch's
 * commit and every earlier batch's — which keeps MQTT acknowledgements in order (MQTT 3.1.1 §4.6:
 * PUBACKs in the order the PUBLISHes were received) and stored-readings events in arrival order.
 *
 * When a batch fails, its messages are retried one by one: a message the database refuses on its
 * own is dead-lettered as `store-failed` (nothing lost, the rest stored); when even that fails the
 * database is unavailable and the promises reject, so MQTT leaves the messages unacknowledged.
 */
export class IngestBatcher {
  private queue: Waiting[] = [];
  private queuedReadings = 0;
  private active = 0;
  private settled: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;

  constructor(
    private readonly write: (entries: readonly BatchEntry[]) => Promise<BatchWriteResult>,
    private readonly options: BatcherOptions,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  get pendingReadings(): number {
    return this.queuedReadings;
  }

  submit(entry: PendingEntry): Promise<EntryResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.queuedReadings += entry.readings.length;
      this.kick();
    });
  }

  /** Resolves when everything submitted so far is committed (or failed). */
  drain(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.launch();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.active >= this.concurrency || this.queue.length === 0) return;
    // A full batch waiting, or no linger: write now.
    if (this.queuedReadings >= this.options.maxBatchReadings || this.options.lingerMs <= 0) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.launch();
      return;
    }
    // Under load (a batch in flight, so the database is busy anyway): write at the end of this turn
    // of the event loop, so the messages of one socket read (the broker hands them over one by one
    // in the same turn) form one batch rather than a batch of the first and another of the rest.
    if (this.active > 0) {
      if (this.immediate === undefined) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
        this.immediate = setImmediate(() => {
          this.immediate = undefined;
          this.launch();
        });
      }
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.launch();
    }, this.options.lingerMs);
  }

  private launch(): void {
    while (this.queue.length > 0 && this.active < this.concurrency) {
      const batch = this.take();
      this.active += 1;
      const written = this.writeBatch(batch);
      this.settled = this.settled
        .then(() => written)
        .then((settlement) => {
          for (const c of settlement.committed) {
            try {
              this.options.onCommitted(c);
            } catch {
              // A reporting failure must never stall the acknowledgements behind it.
            }
          }
          settlement.outcomes.forEach((o, i) => {
            const w = batch[i] as Waiting;
            if ('ok' in o) w.resolve(o.ok);
            else w.reject(o.error);
          });
          this.active -= 1;
          if (this.queue.length > 0) this.kick();
          else if (this.active === 0) this.notifyIdle();
        });
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private take(): Waiting[] {
    let readings = 0;
    let n = 0;
    while (n < this.queue.length) {
      const size = (this.queue[n] as Waiting).entry.readings.length;
      if (n > 0 && readings + size > this.options.maxBatchReadings) break;
      readings += size;
      n += 1;
    }
    const batch = this.queue.slice(0, n);
    this.queue = this.queue.slice(n);
    this.queuedReadings -= readings;
    return batch;
  }

  /** Writes a batch; never rejects (failures become per-entry outcomes). */
  private async writeBatch(batch: Waiting[]): Promise<Settlement> {
    const entries = batch.map((w) => w.entry);
    const start = performance.now();
    try {
      const result = await this.write(entries);
      return {
        committed: [{ entries, result, seconds: (performance.now() - start) / 1000 }],
        outcomes: batch.map((_, i) => ({
          ok: {
            duplicateFlags: result.duplicateFlags[i] as Uint8Array,
            duplicates: result.duplicatesPerEntry[i] as number,
            refused: false,
          },
        })),
      };
    } catch (error) {
      this.options.onFailure(error);
      const settlement: Settlement = { committed: [], outcomes: [] };
      await this.isolate(entries, settlement);
      return settlement;
    }
  }

  /** One more attempt for a single message (a transient failure — deadlock, serialization — passes on retry). */
  private async writeAlone(entry: PendingEntry): Promise<{ result: BatchWriteResult; seconds: number }> {
    const start = performance.now();
    try {
      return { result: await this.write([entry]), seconds: (performance.now() - start) / 1000 };
    } catch (error) {
      this.options.onFailure(error);
      const again = performance.now();
      return { result: await this.write([entry]), seconds: (performance.now() - again) / 1000 };
    }
  }

  /**
   * Retries each message of a failed batch alone (a lone message gets a second attempt); stops
   * early once the database is clearly unavailable.
   */
  private async isolate(entries: readonly PendingEntry[], settlement: Settlement): Promise<void> {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as PendingEntry;
      try {
        const { result, seconds } = entries.length === 1 ? await this.writeAlone(entry) : await this.timed([entry]);
        settlement.committed.push({ entries: [entry], result, seconds });
        settlement.outcomes.push({
          ok: {
            duplicateFlags: result.duplicateFlags[0] as Uint8Array,
            duplicates: result.duplicatesPerEntry[0] as number,
            refused: false,
          },
        });
      } catch (error) {
        this.options.onFailure(error);
        if (!(await this.refuse(entry, error, settlement))) {
          for (let k = i + 1; k < entries.length; k++) settlement.outcomes.push({ error });
          return;
        }
      }
    }
  }

  private async timed(entries: readonly BatchEntry[]): Promise<{ result: BatchWriteResult; seconds: number }> {
    const start = performance.now();
    return { result: await this.write(entries), seconds: (performance.now() - start) / 1000 };
  }

  /** Dead-letters a message the database refused; false (and an error outcome) when that fails too. */
  private async refuse(entry: PendingEntry, error: unknown, settlement: Settlement): Promise<boolean> {
    const letter = entry.refusedLetter(truncate(`database refused the message: ${(error as Error)?.message ?? String(error)}`, 300));
    const replacement: BatchEntry = { readings: [], deadLetters: [...entry.deadLetters, letter] };
    const start = performance.now();
    try {
      const result = await this.write([replacement]);
      settlement.committed.push({ entries: [replacement], result, seconds: (performance.now() - start) / 1000 });
      settlement.outcomes.push({ ok: { duplicateFlags: new Uint8Array(entry.readings.length), duplicates: 0, refused: true } });
      return true;
    } catch {
      settlement.outcomes.push({ error });
      return false;
    }
  }
}
