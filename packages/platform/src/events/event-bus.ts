/**
 * In-process fan-out of twin events to subscribers (the `/events` stream, FHIR Subscription
 * delivery, the web app). Publishing never waits for subscribers and a failing subscriber never
 * affects the publisher or the others. Across several server processes this would sit on the MQTT
 * broker or Redis pub/sub; one process needs nothing more.
 */
export type TwinEventType = 'reading' | 'score' | 'alert' | 'trial-progress' | 'ingest';

export interface TwinEvent {
  readonly type: TwinEventType;
  /** Patient the event concerns; absent for events that concern no single patient (trial progress). */
  readonly patientId?: string;
  /** Event time, epoch milliseconds. */
  readonly timeMs: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface EventFilter {
  readonly types?: readonly TwinEventType[];
  /** Only events about these patients (events without a patient are not delivered when set). */
  readonly patientIds?: readonly string[];
}

/** An event as delivered: with its position in the bus's sequence, for resuming a stream. */
export interface SequencedEvent extends TwinEvent {
  readonly id: number;
}

export type EventListener = (event: SequencedEvent) => void;

interface Subscription {
  readonly filter: EventFilter;
  readonly listener: EventListener;
}

export class EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private failures = 0;
  private lastId = 0;
  // Ring buffer of recent events, so a client that reconnects (SSE Last-Event-ID) misses nothing.
  private readonly recent: (SequencedEvent | undefined)[];

  constructor(readonly replayCapacity = 1000) {
    this.recent = new Array(replayCapacity);
  }

  /** Returns the function that ends the subscription. */
  subscribe(filter: EventFilter, listener: EventListener): () => void {
    const subscription = { filter, listener };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  publish(event: TwinEvent): void {
    const sequenced: SequencedEvent = { ...event, id: ++this.lastId };
    this.recent[sequenced.id % this.replayCapacity] = sequenced;
    for (const { filter, listener } of this.subscriptions) {
      if (!matches(filter, sequenced)) continue;
      try {
        listener(sequenced);
      } catch {
        this.failures += 1;
      }
    }
  }

  /** Recent events after `afterId` that match `filter`, oldest first (as far back as the buffer holds). */
  since(afterId: number, filter: EventFilter): SequencedEvent[] {
    const from = Math.max(afterId + 1, this.lastId - this.replayCapacity + 1);
    const out: SequencedEvent[] = [];
    for (let id = from; id <= this.lastId; id++) {
      const event = this.recent[id % this.replayCapacity];
      if (event && event.id === id && matches(filter, event)) out.push(event);
    }
    return out;
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** How many times a listener threw (counted for metrics, never rethrown). */
  get listenerFailures(): number {
    return this.failures;
  }
}

export function matches(filter: EventFilter, event: TwinEvent): boolean {
  if (filter.types && !filter.types.includes(event.type)) return false;
  if (filter.patientIds) return event.patientId !== undefined && filter.patientIds.includes(event.patientId);
  return true;
}
