import type { Clock, Logger, RuleOutcome } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import type { AlertDispatcher } from './alert-dispatcher.ts';
import type { AlertChange } from './alert-record.ts';
import type { DeviceActivity } from './device-activity.ts';
import { type AdherenceSweepOptions, adherenceOutcomes } from './medication-adherence-sweep.ts';
import { type StaleDataSweepOptions, staleDataOutcomes } from './stale-data-sweep.ts';

/**
 * The periodic part of monitoring: conditions that arise from data NOT arriving, which no ingest
 * batch can trigger. Every `intervalMs` it checks stale devices (stale-data-sweep.ts) and missed
 * medication doses (medication-adherence-sweep.ts) and applies the outcomes to the alert store.
 * Sweeps never overlap; a failed sweep is logged and the next one runs as scheduled. The clock and
 * the timer are injectable, so tests step time instead of waiting.
 */
export interface SweepTimer {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface MonitorSweeperOptions {
  readonly db: SqlQueryable;
  readonly alerts: AlertDispatcher;
  readonly activity: DeviceActivity;
  readonly intervalMs: number;
  /** Stale-data check; off when undefined. */
  readonly staleData?: StaleDataSweepOptions;
  /** Medication-adherence check; off when undefined. */
  readonly adherence?: AdherenceSweepOptions;
  readonly clock?: Clock;
  readonly timer?: SweepTimer;
  readonly logger?: Logger;
}

export interface SweepReport {
  readonly devices: number;
  readonly medicationRequests: number;
  readonly changes: readonly AlertChange[];
}

const realTimer: SweepTimer = {
  setInterval: (run, ms) => {
    const handle = setInterval(run, ms);
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export class MonitorSweeper {
  private handle: unknown = null;
  private running: Promise<SweepReport> | null = null;
  private readonly clock: Clock;
  private readonly timer: SweepTimer;
  sweeps = 0;
  failures = 0;

  constructor(private readonly o: MonitorSweeperOptions) {
    this.clock = o.clock ?? { nowMs: Date.now };
    this.timer = o.timer ?? realTimer;
  }

  start(): void {
    if (this.handle !== null) return;
    this.handle = this.timer.setInterval(() => {
      if (this.running) return;
      this.sweep().catch((error: unknown) => {
        this.failures += 1;
        this.o.logger?.warn({ err: error }, 'monitoring sweep failed');
      });
    }, this.o.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.handle !== null) this.timer.clearInterval(this.handle);
    this.handle = null;
    await this.running?.catch(() => undefined);
  }

  /** One sweep now (what the timer runs). */
  sweep(): Promise<SweepReport> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<SweepReport> {
    const now = this.clock.nowMs();
    const outcomes: RuleOutcome[] = [];
    let devices = 0;
    let medicationRequests = 0;
    if (this.o.staleData) {
      const stale = await staleDataOutcomes(this.o.db, this.o.activity, now, this.o.staleData);
      outcomes.push(...stale.outcomes);
      devices = stale.devices;
    }
    if (this.o.adherence) {
      const open = await this.o.alerts.list({ kinds: ['medication-overdue'], statuses: ['open', 'acknowledged'], limit: 100_000 });
      const openRequests = open.flatMap((a) => {
        const requestId = a.details.medicationRequestId;
        return typeof requestId === 'string' ? [{ patientId: a.patientId, requestId }] : [];
      });
      const adherence = await adherenceOutcomes(this.o.db, now, openRequests, this.o.adherence);
      outcomes.push(...adherence.outcomes);
      medicationRequests = adherence.requests;
    }
    const changes = await this.o.alerts.apply(outcomes);
    this.sweeps += 1;
    return { devices, medicationRequests, changes };
  }
}
