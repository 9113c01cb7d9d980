import { fhirIdPattern, type Logger, VitaltwinError } from '@vitaltwin/core';
import type { SqlClient } from '../store/sql-client.ts';
import { type DeviceReading, TimeSeriesStore } from '../store/time-series-store.ts';
import { decodeCompact } from './compact-payload.ts';
import type { DeadLetterReason } from './dead-letter-reason.ts';
import { type DeadLetterInput, DeadLetterStore, type IngestTransport } from './dead-letter-store.ts';
import type { DecodeOutcome, PayloadFormat, SampleRejection } from './decoded-sample.ts';
import { type DeviceBinding, DeviceBindingCache } from './device-binding.ts';
import { decodeFhirObservations } from './fhir-observation-payload.ts';
import { IngestBatchWriter } from './ingest-batch-writer.ts';
import { type CommittedBatch, IngestBatcher, type PendingEntry } from './ingest-batcher.ts';
import { IngestMetrics } from './ingest-metrics.ts';
import { defaultTimeWindow, normaliseSamples, type TimeWindow } from './normalise-samples.ts';
import { decodeOmh } from './omh-payload.ts';
import { keptPrefixChars, payloadBytes, payloadForLetter, payloadText } from './payload-text.ts';
import { coreReadingCatalogue, type ReadingCatalogue } from './reading-catalogue.ts';
import { defaultTopicRoot, parseIngestTopic } from './topic-scheme.ts';

/** One device message as a transport hands it over. */
export interface IngestMessage {
  readonly transport: IngestTransport;
  /** MQTT topic; absent for HTTP. */
  readonly topic?: string;
  readonly deviceId: string;
  readonly format: PayloadFormat;
  readonly payload: string | Uint8Array;
  /** The payload already parsed (HTTP bodies); `payload` is then its text, kept for dead letters. */
  readonly json?: unknown;
  readonly receivedAtMs: number;
}

export interface DeadLetteredSample {
  /** Position of the sample in the message, or null when the whole message was rejected. */
  readonly sample: number | null;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

/** What became of a message once it is durable: every sample is stored, a duplicate, or dead-lettered. */
export interface MessageResult {
  readonly stored: number;
  readonly duplicates: number;
  readonly deadLettered: readonly DeadLetteredSample[];
}

/** Readings newly stored by one committed batch (duplicates excluded), for the monitoring runtime. */
export interface StoredReadingsBatch {
  readonly readings: readonly DeviceReading[];
}

/** Called synchronously after each commit, before the messages are acknowledged: queue work, do not do it here. */
export type ReadingsStoredListener = (batch: StoredReadingsBatch) => void | Promise<void>;

export interface IngestPipelineOptions {
  readonly db: SqlClient;
  readonly catalogue?: ReadingCatalogue;
  readonly bindings?: DeviceBindingCache;
  /** MQTT topic root (`{root}/devices/{deviceId}/...`). */
  readonly topicRoot?: string;
  readonly maxBatchReadings?: number;
  readonly lingerMs?: number;
  /** Batches written at once (default 2 on PGlite, 3 on PostgreSQL); they still settle in order. */
  readonly concurrency?: number;
  readonly maxPayloadBytes?: number;
  readonly timeWindow?: TimeWindow;
  readonly logger?: Logger;
}

/**
 * Device ingest, transport-independent: decode (compact, Open mHealth, FHIR) → bind device to
 * patient → normalise (LOINC, UCUM canonical unit, plausibility) → micro-batch → one transaction
 * with readings and dead letters. The returned promise settles only after that commit, so callers
 * acknowledge (MQTT PUBACK, HTTP response) only what is durable. It rejects only when the database
 * is unavailable; bad input never throws, it becomes dead letters.
 */
export class IngestPipeline {
  readonly metrics: IngestMetrics = new IngestMetrics(() => this.batcher.pendingReadings);
  readonly deadLetters: DeadLetterStore;
  readonly bindings: DeviceBindingCache;
  readonly topicRoot: string;
  private readonly catalogue: ReadingCatalogue;
  private readonly batcher: IngestBatcher;
  private readonly listeners = new Set<ReadingsStoredListener>();
  private readonly maxPayloadBytes: number;
  private readonly window: TimeWindow;
  private readonly logger: Logger | undefined;
  private closed = false;
  private readonly inflight = new Set<Promise<MessageResult>>();

  constructor(options: IngestPipelineOptions) {
    this.catalogue = options.catalogue ?? coreReadingCatalogue;
    this.bindings = options.bindings ?? new DeviceBindingCache(options.db);
    this.deadLetters = new DeadLetterStore(options.db);
    this.topicRoot = options.topicRoot ?? defaultTopicRoot;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 1024 * 1024;
    this.window = options.timeWindow ?? defaultTimeWindow;
    this.logger = options.logger;
    const writer = new IngestBatchWriter(options.db, new TimeSeriesStore(options.db), this.deadLetters);
    this.batcher = new IngestBatcher((entries) => writer.write(entries), {
      maxBatchReadings: options.maxBatchReadings ?? 5000,
      lingerMs: options.lingerMs ?? 2,
      // On PostgreSQL further batches are sent while one commits. PGlite has one connection, but a
      // second batch in flight has its COPY queued when the first commits, so the database thread
      // (pglite-thread-client.ts) is not idle while acknowledgements are sent (8,800 vs 7,500 msg/s
      // in bench/ingest-mqtt.bench.ts).
      concurrency: options.concurrency ?? (options.db.engine === 'postgres' ? 3 : 2),
      onCommitted: (batch) => this.committed(batch),
      onFailure: (error) => {
        this.metrics.storeFailures += 1;
        this.logger?.warn({ err: error }, 'ingest batch failed; retrying its messages one by one');
      },
    });
  }

  /** Subscribes to newly stored readings; returns the unsubscribe function. */
  onReadingsStored(listener: ReadingsStoredListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * An MQTT publish: undefined when the topic is not under `{root}/devices/` (not ingest), else the
   * message result once durable. Topics under it that break the scheme are dead-lettered.
   */
  ingestMqtt(topic: string, payload: Uint8Array | string, receivedAtMs: number = Date.now()): Promise<MessageResult> | undefined {
    const parsed = parseIngestTopic(topic, this.topicRoot);
    switch (parsed.kind) {
      case 'other':
        return undefined;
      case 'invalid':
        return this.rejectMessage(
          { transport: 'mqtt', topic, deviceId: parsed.deviceId ?? null, receivedAtMs },
          payload,
          'unknown-topic',
          parsed.detail,
        );
      case 'ingest':
        return this.ingest({ transport: 'mqtt', topic, deviceId: parsed.deviceId, format: parsed.format, payload, receivedAtMs });
    }
  }

  ingest(m: IngestMessage): Promise<MessageResult> {
    if (this.closed) return shuttingDown();
    this.metrics.countMessage(m.transport, m.format);
    return this.track(this.accept(m));
  }

  private accept(m: IngestMessage): Promise<MessageResult> {
    const origin: LetterOrigin = { transport: m.transport, topic: m.topic ?? null, deviceId: m.deviceId, receivedAtMs: m.receivedAtMs };
    if (!fhirIdPattern.test(m.deviceId)) {
      return this.letter(
        { ...origin, deviceId: m.deviceId.slice(0, 64) },
        m.payload,
        'unknown-device',
        'device id is not a FHIR id ([A-Za-z0-9-.]{1,64})',
      );
    }
    const size = payloadBytes(m.payload);
    if (size > this.maxPayloadBytes) {
      const kept = typeof m.payload === 'string' ? m.payload.slice(0, keptPrefixChars) : m.payload.subarray(0, keptPrefixChars);
      return this.letter(
        origin,
        kept,
        'too-large',
        `payload of ${size} bytes exceeds the limit of ${this.maxPayloadBytes}; the first ${keptPrefixChars} kept`,
      );
    }
    const binding = this.bindings.peek(m.deviceId);
    if (binding !== undefined) return this.withBinding(m, origin, binding);
    return this.bindings.resolve(m.deviceId).then((b) => this.withBinding(m, origin, b));
  }

  /**
   * Resolves when every message received before the call is settled (committed, or failed) —
   * including those still resolving their device. Later arrivals are not waited for, so a flush
   * ends even while devices keep sending.
   */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  /** Refuses new messages and commits the pending ones (call before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Keeps a message's promise until it settles, so `flush` also waits for messages still resolving their device. */
  private track(result: Promise<MessageResult>): Promise<MessageResult> {
    this.inflight.add(result);
    const forget = () => this.inflight.delete(result);
    result.then(forget, forget);
    return result;
  }

  get pendingReadings(): number {
    return this.batcher.pendingReadings;
  }

  private withBinding(m: IngestMessage, origin: LetterOrigin, binding: DeviceBinding): Promise<MessageResult> {
    if (binding.patientId === null) return this.letter(origin, m.payload, 'unknown-device', binding.detail);
    const text = payloadText(m.payload);
    if (!text.ok) return this.letter(origin, m.payload, 'invalid-json', 'payload is not UTF-8 text (kept as base64)');
    let json: unknown = m.json;
    if (json === undefined) {
      try {
        json = JSON.parse(text.text);
      } catch (error) {
        return this.letter(origin, text.text, 'invalid-json', (error as Error).message.slice(0, 200));
      }
    }
    const decoded = this.decode(m.format, json);
    const patientId = binding.patientId;
    const normalised = normaliseSamples(decoded.samples, {
      catalogue: this.catalogue,
      receivedAtMs: m.receivedAtMs,
      window: this.window,
      patientId,
    });
    const rejections = decoded.rejections.length === 0 ? normalised.rejections : [...decoded.rejections, ...normalised.rejections];
    const readings: DeviceReading[] = normalised.readings.map((r) => ({
      patientId,
      code: r.code,
      timeMs: r.timeMs,
      value: r.value,
      unit: r.unit,
      deviceId: m.deviceId,
    }));
    const deadLetters = rejections.map((r) => letterFor(origin, r, text.text));
    return this.submit(readings, deadLetters, origin, m.payload);
  }

  private decode(format: PayloadFormat, json: unknown): DecodeOutcome {
    switch (format) {
      case 'compact':
        return decodeCompact(json);
      case 'omh':
        return decodeOmh(json, this.catalogue.ucumForOmhUnit);
      case 'fhir':
        return decodeFhirObservations(json, (code) => this.catalogue.isKnownCode(code));
    }
  }

  /** Dead-letters a whole message that could not even be read as one (malformed topic; HTTP lines that are not items). */
  rejectMessage(origin: LetterOrigin, payload: string | Uint8Array, reason: DeadLetterReason, detail: string): Promise<MessageResult> {
    if (this.closed) return shuttingDown();
    this.metrics.countMessage(origin.transport, 'unknown');
    return this.track(this.letter(origin, payload, reason, detail));
  }

  private letter(origin: LetterOrigin, payload: string | Uint8Array, reason: DeadLetterReason, detail: string): Promise<MessageResult> {
    const letter: DeadLetterInput = { ...origin, reason, detail, sampleIndex: null, payload: payloadForLetter(payload) };
    return this.submit([], [letter], origin, payload);
  }

  private async submit(
    readings: DeviceReading[],
    deadLetters: DeadLetterInput[],
    origin: LetterOrigin,
    payload: string | Uint8Array,
  ): Promise<MessageResult> {
    const entry: PendingEntry = {
      readings,
      deadLetters,
      refusedLetter: (detail) => ({ ...origin, reason: 'store-failed', detail, sampleIndex: null, payload: payloadForLetter(payload) }),
    };
    const result = await this.batcher.submit(entry);
    if (result.refused) {
      return {
        stored: 0,
        duplicates: 0,
        deadLettered: [
          ...deadLetters.map(toOutcome),
          { sample: null, reason: 'store-failed', detail: 'the database refused this message' },
        ],
      };
    }
    return { stored: readings.length - result.duplicates, duplicates: result.duplicates, deadLettered: deadLetters.map(toOutcome) };
  }

  private committed(batch: CommittedBatch): void {
    let duplicates = 0;
    const fresh: DeviceReading[] = [];
    batch.entries.forEach((entry, i) => {
      const flags = batch.result.duplicateFlags[i] as Uint8Array;
      duplicates += batch.result.duplicatesPerEntry[i] as number;
      for (let k = 0; k < entry.readings.length; k++) if (flags[k] === 0) fresh.push(entry.readings[k] as DeviceReading);
      for (const letter of entry.deadLetters) this.metrics.countDeadLetter(letter.reason);
    });
    this.metrics.observeBatch(batch.seconds, fresh.length, duplicates);
    if (fresh.length === 0 || this.listeners.size === 0) return;
    const event: StoredReadingsBatch = { readings: fresh };
    for (const listener of this.listeners) {
      try {
        const pending = listener(event);
        if (pending instanceof Promise)
          pending.catch((error: unknown) => this.logger?.error({ err: error }, 'onReadingsStored listener failed'));
      } catch (error) {
        this.logger?.error({ err: error }, 'onReadingsStored listener failed');
      }
    }
  }
}

export type LetterOrigin = Pick<DeadLetterInput, 'transport' | 'topic' | 'deviceId' | 'receivedAtMs'>;

function shuttingDown(): Promise<MessageResult> {
  return Promise.reject(new VitaltwinError('VT_ERR_STORAGE', 'device ingest is shutting down'));
}

function letterFor(origin: LetterOrigin, r: SampleRejection, messageText: string): DeadLetterInput {
  return {
    ...origin,
    reason: r.reason,
    detail: r.detail,
    sampleIndex: r.index,
    payload: r.index === null ? messageText : (r.sampleText ?? messageText),
  };
}

function toOutcome(letter: DeadLetterInput): DeadLetteredSample {
  return { sample: letter.sampleIndex, reason: letter.reason, detail: letter.detail };
}
