import type { Logger, RuleOutcome } from '@vitaltwin/core';
import type { EventBus } from '../events/event-bus.ts';
import { type AlertChange, type AlertRecord, alertView, notifies } from './alert-record.ts';
import type { AlertQuery, AlertStore } from './alert-store.ts';

export type AlertChangeListener = (change: AlertChange) => void;

/**
 * The alert lifecycle as the rest of the system uses it: every persisted change (from rules,
 * the sweeper or a clinician) is published on the event bus as an `alert` event
 * (`data: { transition, notify, alert }`, `notify` true for opened and escalated) and handed to
 * the change listeners (FHIR Subscription delivery). Listeners must not block: they queue work.
 */
export class AlertDispatcher {
  private readonly listeners = new Set<AlertChangeListener>();

  constructor(
    readonly store: AlertStore,
    private readonly events?: EventBus,
    private readonly logger?: Logger,
  ) {}

  onChange(listener: AlertChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async apply(outcomes: readonly RuleOutcome[]): Promise<AlertChange[]> {
    const changes = await this.store.apply(outcomes);
    for (const change of changes) this.dispatch(change);
    return changes;
  }

  async acknowledge(id: string, by: string, atMs: number, note?: string): Promise<AlertChange> {
    const change = await this.store.acknowledge(id, by, atMs, note);
    this.dispatch(change);
    return change;
  }

  async resolve(id: string, by: string, atMs: number, note?: string): Promise<AlertChange> {
    const change = await this.store.resolve(id, by, atMs, note);
    this.dispatch(change);
    return change;
  }

  get(id: string): Promise<AlertRecord | undefined> {
    return this.store.get(id);
  }

  list(query: AlertQuery): Promise<AlertRecord[]> {
    return this.store.list(query);
  }

  private dispatch(change: AlertChange): void {
    this.events?.publish({
      type: 'alert',
      patientId: change.alert.patientId,
      timeMs: change.alert.updatedAtMs,
      data: { transition: change.transition, notify: notifies(change.transition), alert: alertView(change.alert) },
    });
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger?.error({ err: error }, 'alert change listener failed');
      }
    }
  }
}
