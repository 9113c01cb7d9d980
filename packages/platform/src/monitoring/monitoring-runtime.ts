import type { Clock, Logger } from '@vitaltwin/core';
import type { EventBus } from '../events/event-bus.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { AlertDispatcher } from './alert-dispatcher.ts';
import { AlertStore } from './alert-store.ts';
import { DeviceActivity } from './device-activity.ts';
import { directSink, type FhirResourceSink } from './fhir-resource-sink.ts';
import { MonitorSweeper, type SweepTimer } from './monitor-sweeper.ts';
import { PatientMonitor } from './patient-monitor.ts';
import { RestHookDelivery, type RestHookDeliveryOptions } from './rest-hook-delivery.ts';
import { ScoreRecorder, type StoredScores } from './score-recorder.ts';
import { Spo2ScaleFlags } from './spo2-scale-flags.ts';
import { SubscriptionNotifier } from './subscription-notifier.ts';
import { SubscriptionRegistry } from './subscription-registry.ts';

/** Monitoring settings (validated by the server's configuration). */
export interface MonitoringConfig {
  /** Period of the stale-data and medication-adherence sweep, seconds. */
  readonly sweepIntervalSec: number;
  /** Default minutes of silence before a bound device is stale; 0 turns the check off. */
  readonly staleAfterMin: number;
  /** Unchanged scores are stored again at most this often per patient, seconds. */
  readonly scoreRefreshSec: number;
  /** Changed scores are stored no sooner than this after the patient's previous stored scores, seconds. */
  readonly scoreMinIntervalSec: number;
  /** Score Observations written per second at most (bursts wait; newer scores replace unwritten ones). */
  readonly scoreWritesPerSec: number;
  /** Minutes after a scheduled dose before it counts as missed; 0 turns the adherence check off. */
  readonly adherenceGraceMin: number;
  /** IANA time zone for timeOfDay dose schedules. */
  readonly adherenceTimeZone: string;
  /** How often Subscriptions are re-read from the FHIR store, seconds. */
  readonly subscriptionRefreshSec: number;
}

export const defaultMonitoringConfig: MonitoringConfig = {
  sweepIntervalSec: 60,
  staleAfterMin: 30,
  scoreRefreshSec: 300,
  scoreMinIntervalSec: 10,
  scoreWritesPerSec: 50,
  adherenceGraceMin: 60,
  adherenceTimeZone: 'UTC',
  subscriptionRefreshSec: 10,
};

export interface MonitoringRuntimeOptions {
  readonly db: SqlClient;
  readonly events?: EventBus;
  /** Where score Observations and Subscription status go; default writes fhir_resource directly. */
  readonly fhir?: FhirResourceSink;
  readonly config?: Partial<MonitoringConfig>;
  readonly clock?: Clock;
  readonly timer?: SweepTimer;
  readonly delivery?: Omit<RestHookDeliveryOptions, 'onOutcome' | 'logger'>;
  readonly logger?: Logger;
}

export interface MonitoringRuntime {
  readonly alerts: AlertDispatcher;
  readonly monitor: PatientMonitor;
  readonly scores: ScoreRecorder;
  readonly sweeper: MonitorSweeper;
  readonly subscriptions: SubscriptionRegistry;
  readonly delivery: RestHookDelivery;
  readonly config: MonitoringConfig;
  /** Reads Subscriptions and starts the sweeper and the Subscription refresh. */
  start(): Promise<void>;
  /** Evaluates what is queued, writes pending scores (for up to 5 s), stops timers; queued notifications are dropped. */
  stop(): Promise<void>;
}

/** Wires the monitoring runtime: alert store and dispatcher, patient monitor, score recorder, sweeper, Subscriptions. */
export function createMonitoring(options: MonitoringRuntimeOptions): MonitoringRuntime {
  const config: MonitoringConfig = { ...defaultMonitoringConfig, ...options.config };
  const { db, events, logger } = options;
  const clock = options.clock ?? { nowMs: Date.now };
  const nowMs = () => clock.nowMs();
  const fhir = options.fhir ?? directSink(db, nowMs);
  const alerts = new AlertDispatcher(new AlertStore(db, { nowMs }), events, logger);
  const subscriptions = new SubscriptionRegistry(db, fhir, {
    nowMs,
    refreshMs: config.subscriptionRefreshSec * 1000,
    ...(logger ? { logger } : {}),
  });
  const delivery = new RestHookDelivery({
    ...options.delivery,
    onOutcome: (target, outcome) => subscriptions.recordOutcome(target, outcome),
    ...(logger ? { logger } : {}),
  });
  const notifier = new SubscriptionNotifier(subscriptions, delivery);
  alerts.onChange((change) => notifier.notifyAlert(change));
  const scores = new ScoreRecorder(fhir, {
    nowMs,
    refreshMs: config.scoreRefreshSec * 1000,
    minIntervalMs: config.scoreMinIntervalSec * 1000,
    maxObservationsPerSec: config.scoreWritesPerSec,
    ...(logger ? { logger } : {}),
    onStored: (stored) => {
      events?.publish(scoreEvent(stored));
      notifier.notifyScores(stored);
    },
  });
  const activity = new DeviceActivity();
  const monitor = new PatientMonitor({
    db,
    alerts,
    scores,
    clock,
    activity,
    spo2Scales: new Spo2ScaleFlags(db, nowMs),
    ...(logger ? { logger } : {}),
  });
  const sweeper = new MonitorSweeper({
    db,
    alerts,
    activity,
    clock,
    intervalMs: config.sweepIntervalSec * 1000,
    ...(config.staleAfterMin > 0 ? { staleData: { staleAfterMin: config.staleAfterMin } } : {}),
    ...(config.adherenceGraceMin > 0 ? { adherence: { graceMin: config.adherenceGraceMin, timeZone: config.adherenceTimeZone } } : {}),
    ...(options.timer ? { timer: options.timer } : {}),
    ...(logger ? { logger } : {}),
  });
  return {
    alerts,
    monitor,
    scores,
    sweeper,
    subscriptions,
    delivery,
    config,
    async start() {
      await subscriptions.refresh();
      subscriptions.start();
      sweeper.start();
    },
    async stop() {
      await monitor.stop();
      // Scores are derived data: write what is pending for up to 5 s, not for as long as a burst takes.
      await scores.flush(5_000);
      scores.stop();
      await sweeper.stop();
      await subscriptions.stop();
      delivery.stop();
      await subscriptions.settled();
    },
  };
}

/** The `score` event: totals and flags of the three scores, and the stored Observation ids. */
function scoreEvent(stored: StoredScores) {
  const { set } = stored;
  return {
    type: 'score' as const,
    patientId: set.patientId,
    timeMs: set.effectiveMs,
    data: {
      news2: {
        total: set.news2.total,
        partialTotal: set.news2.partialTotal,
        complete: set.news2.complete,
        redFlag: set.news2.redFlag,
        clinicalRisk: set.news2.clinicalRisk,
        spo2Scale: set.news2.spo2Scale,
      },
      qsofa: { total: set.qsofa.total, partialTotal: set.qsofa.partialTotal, positive: set.qsofa.positive },
      mews: { total: set.mews.total, partialTotal: set.mews.partialTotal, highRisk: set.mews.highRisk },
      assumedAir: set.assumedAir,
      assumedAlert: set.assumedAlert,
      observations: stored.observations.map((o) => `Observation/${o.id}`),
    },
  };
}
