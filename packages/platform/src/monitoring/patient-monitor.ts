import {
  type Clock,
  type DeviceEvent,
  evaluateFallEvent,
  evaluateGlucoseAlarms,
  evaluateNews2Alert,
  type GlucoseAlarmConfig,
  type GlucoseForecastFn,
  type Logger,
  type RuleOutcome,
  scoreMews,
  scoreNews2,
  scoreQsofa,
  snomedSystem,
} from '@vitaltwin/core';
import { ar2Predict } from '@vitaltwin/sim';
import type { StoredReadingsBatch } from '../ingest/ingest-pipeline.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { AlertDispatcher } from './alert-dispatcher.ts';
import { DeviceActivity } from './device-activity.ts';
import { MonitorMetrics } from './monitor-metrics.ts';
import { queryMonitorReadings } from './monitor-readings-query.ts';
import { monitoringCodes } from './monitoring-codes.ts';
import type { ScoreRecorder } from './score-recorder.ts';
import { codeWindowsMin, defaultValidityWindows, type LatestValue, type ValidityWindows, vitalSnapshot } from './vital-snapshot.ts';
import { VitalsCache } from './vitals-cache.ts';

/**
 * The twin runtime for vital signs. Ingest hands over every committed batch (`enqueue`, wired to
 * IngestPipeline.onReadingsStored); the monitor notes which patients it touched and, on the next
 * turn of the event loop, evaluates them in rounds (many batches coalesce into one round):
 * 1. the latest reading of every scored code within its validity window, and the recent CGM
 *    series, come from the in-memory vitals cache (vitals-cache.ts), kept current from the very
 *    batches the monitor receives; patients it does not know yet are loaded for the whole round
 *    with ONE query (monitor-readings-query.ts);
 * 2. patients whose vital signs changed get NEWS2, qSOFA and MEWS (vital-snapshot.ts says which
 *    readings count and what is assumed), offered to the score recorder (throttled FHIR writes)
 *    and judged by the NEWS2 alert rule;
 * 3. patients with new CGM readings get the glucose alarms, including "low soon" from the
 *    Nightscout AR2 forecast (urgent low within 20 min, low within 30 min);
 * 4. fall events in the batch raise fall alerts;
 * 5. all outcomes go to the alert store in one call (dedup, escalation, resolution), whose changes
 *    are published as `alert` events and to Subscriptions.
 * Nothing here blocks ingest: `enqueue` only updates in-memory sets. Rules judge the data against
 * the clock passed in, so tests drive time.
 */
export interface PatientMonitorOptions {
  readonly db: SqlClient;
  readonly alerts: AlertDispatcher;
  readonly scores?: ScoreRecorder;
  readonly clock?: Clock;
  /** Monotonic milliseconds for latency measurement (default performance.now). */
  readonly monotonicMs?: () => number;
  readonly windows?: ValidityWindows;
  readonly glucose?: Partial<GlucoseAlarmConfig>;
  /** Forecast behind the predicted-low alarm (default Nightscout AR2); null turns it off. */
  readonly forecast?: GlucoseForecastFn | null;
  readonly spo2Scales?: { scale2Patients(): Promise<ReadonlySet<string>> };
  readonly activity?: DeviceActivity;
  /** Patients per round (default 5000). */
  readonly maxPatientsPerRound?: number;
  /** Readings stamped up to this far in the future still count (default 10 min, as ingest accepts). */
  readonly futureSkewMs?: number;
  /** Patients' cached state is re-read from the store this often (default 10 min). */
  readonly rehydrateMs?: number;
  readonly logger?: Logger;
}

/** A patient waiting for evaluation: which rule families its new readings concern, and since when. */
export interface PendingPatient {
  vitals: boolean;
  cgm: boolean;
  /** Monotonic time the first of its readings was handed over. */
  sinceMono: number;
}

/** Fall events held for the next round at most (a flood beyond this is dropped and counted). */
const maxPendingFalls = 10_000;

/** CGM readings fetched per patient: the 15-minute rate window and AR2's seed fit in 30 minutes. */
const cgmLookbackMin = 30;
const cgmMaxReadings = 40;

const vitalCodes = new Set<string>(codeWindowsMin(defaultValidityWindows).map((c) => c.code));

export class PatientMonitor {
  readonly metrics = new MonitorMetrics();
  readonly activity: DeviceActivity;
  readonly cache: VitalsCache;
  private pending = new Map<string, PendingPatient>();
  private falls: DeviceEvent[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly clock: Clock;
  private readonly mono: () => number;
  private readonly windows: ValidityWindows;
  private readonly forecast: GlucoseForecastFn | null;
  private readonly maxPerRound: number;
  private readonly skewMs: number;

  constructor(private readonly o: PatientMonitorOptions) {
    this.clock = o.clock ?? { nowMs: Date.now };
    this.mono = o.monotonicMs ?? (() => performance.now());
    this.windows = o.windows ?? defaultValidityWindows;
    this.forecast = o.forecast === undefined ? ar2Predict : o.forecast;
    this.activity = o.activity ?? new DeviceActivity();
    this.maxPerRound = o.maxPatientsPerRound ?? 5000;
    this.skewMs = o.futureSkewMs ?? 10 * 60_000;
    this.cache = new VitalsCache({
      cgmCode: monitoringCodes.cgmGlucose,
      latestCodes: vitalCodes,
      cgmKeepMs: cgmLookbackMin * 60_000,
      ...(o.rehydrateMs === undefined ? {} : { rehydrateMs: o.rehydrateMs }),
    });
  }

  /** The `onReadingsStored` listener: records the work, returns at once. */
  enqueue(batch: StoredReadingsBatch): void {
    if (this.stopped) return;
    const now = this.mono();
    this.metrics.readings += batch.readings.length;
    for (const r of batch.readings) {
      const deviceId = r.deviceId ?? '';
      this.activity.seen(deviceId, r.timeMs);
      this.cache.observe(r);
      const isVital = vitalCodes.has(r.code);
      const isCgm = r.code === monitoringCodes.cgmGlucose;
      if (r.code === monitoringCodes.fall) {
        if (this.falls.length >= maxPendingFalls) {
          this.metrics.droppedEvents += 1;
          continue;
        }
        this.falls.push({
          patientId: r.patientId,
          deviceId,
          atMs: r.timeMs,
          codes: [{ system: snomedSystem, code: monitoringCodes.fall }],
          confidence: r.value,
        });
        this.touch(r.patientId, now, false, false);
      } else if (isVital || isCgm) this.touch(r.patientId, now, isVital, isCgm);
    }
    if (this.pending.size > 0 && this.running === null) this.running = this.loop();
  }

  /** Resolves when every enqueued batch has been evaluated. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Evaluates patients now (the loop's unit of work; also for tests and benchmarks). */
  async evaluate(patients: ReadonlyMap<string, PendingPatient>, falls: readonly DeviceEvent[] = []): Promise<void> {
    const started = this.mono();
    const now = this.clock.nowMs();
    const vitalsPatientIds: string[] = [];
    const cgmPatientIds: string[] = [];
    for (const [id, p] of patients) {
      if (p.vitals) vitalsPatientIds.push(id);
      if (p.cgm) cgmPatientIds.push(id);
    }
    const windows = codeWindowsMin(this.windows).map((c) => ({ code: c.code, fromMs: now - c.windowMin * 60_000 }));
    const toMs = now + this.skewMs;
    const cgmFromMs = now - cgmLookbackMin * 60_000;
    const cold = this.cache.needLoading([...patients.keys()], now);
    this.cache.beginLoading(cold, now);
    const [scale2] = await Promise.all([
      vitalsPatientIds.length > 0 && this.o.spo2Scales ? this.o.spo2Scales.scale2Patients() : Promise.resolve(new Set<string>()),
      cold.length === 0
        ? undefined
        : queryMonitorReadings(this.o.db, {
            vitalsPatientIds: cold,
            cgmPatientIds: cold,
            codes: windows,
            toMs,
            cgm: { code: monitoringCodes.cgmGlucose, fromMs: cgmFromMs, limit: cgmMaxReadings },
          }).then(
            (rows) => this.cache.completeLoading(cold, rows),
            (error: unknown) => {
              this.cache.abandonLoading(cold);
              throw error;
            },
          ),
    ]);
    this.metrics.patientsLoaded += cold.length;
    const outcomes: RuleOutcome[] = [];
    for (const patientId of vitalsPatientIds) {
      try {
        const outcome = this.scoreVitals(patientId, this.cache.latest(patientId, windows, toMs), scale2.has(patientId));
        if (outcome) outcomes.push(outcome);
      } catch (error) {
        this.metrics.patientErrors += 1;
        this.o.logger?.warn({ err: error, patient: patientId }, 'scoring vital signs failed');
      }
    }
    for (const patientId of cgmPatientIds) {
      const series = this.cache.cgm(patientId, cgmFromMs, toMs);
      if (!series || series.readings.length === 0) continue;
      try {
        outcomes.push(
          ...evaluateGlucoseAlarms({
            patientId,
            ...(series.deviceId ? { deviceId: series.deviceId } : {}),
            readings: series.readings,
            nowMs: now,
            ...(this.forecast ? { forecast: this.forecast } : {}),
            ...(this.o.glucose ? { config: this.o.glucose } : {}),
          }),
        );
      } catch (error) {
        this.metrics.patientErrors += 1;
        this.o.logger?.warn({ err: error, patient: patientId }, 'glucose alarms failed');
      }
    }
    for (const fall of falls) {
      const outcome = evaluateFallEvent(fall);
      if (outcome) outcomes.push(outcome);
    }
    const changes = await this.o.alerts.apply(outcomes);
    const done = this.mono();
    for (const change of changes) {
      const since = patients.get(change.alert.patientId)?.sinceMono;
      if (since !== undefined) this.metrics.observeAlertLatency(done - since);
    }
    this.metrics.alertChanges += changes.length;
    this.metrics.rounds += 1;
    this.metrics.patients += patients.size;
    this.metrics.busyMs += done - started;
  }

  private scoreVitals(patientId: string, latest: Map<string, LatestValue> | undefined, scale2: boolean): RuleOutcome | null {
    const snapshot = latest ? vitalSnapshot(latest, scale2 ? 2 : 1) : null;
    if (snapshot === null) return null;
    const news2 = scoreNews2(snapshot.news2);
    const observationId = this.o.scores?.offer({
      patientId,
      effectiveMs: snapshot.effectiveMs,
      news2,
      qsofa: scoreQsofa(snapshot.qsofa),
      mews: scoreMews(snapshot.mews),
      assumedAir: snapshot.assumedAir,
      assumedAlert: snapshot.assumedAlert,
      gcsMeasured: snapshot.qsofa.gcsTotal !== null,
      derivedFrom: snapshot.used,
    });
    const outcome = evaluateNews2Alert({
      patientId,
      result: news2,
      atMs: snapshot.effectiveMs,
      ...(observationId ? { observationId } : {}),
    });
    if (outcome.status !== 'firing' || (!snapshot.assumedAir && !snapshot.assumedAlert)) return outcome;
    const assumed = [snapshot.assumedAir ? 'air' : null, snapshot.assumedAlert ? 'Alert' : null].filter(Boolean).join(', ');
    return {
      status: 'firing',
      intent: {
        ...outcome.intent,
        summary: `${outcome.intent.summary} (assumed: ${assumed})`,
        details: { ...outcome.intent.details, assumedAir: snapshot.assumedAir, assumedAlert: snapshot.assumedAlert },
      },
    };
  }

  private touch(patientId: string, now: number, vitals: boolean, cgm: boolean): void {
    const p = this.pending.get(patientId);
    if (p === undefined) this.pending.set(patientId, { vitals, cgm, sinceMono: now });
    else {
      p.vitals ||= vitals;
      p.cgm ||= cgm;
    }
  }

  private async loop(): Promise<void> {
    // Yield once so batches committed in the same turn coalesce into one round.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0 || this.falls.length > 0) {
        const round = new Map<string, PendingPatient>();
        for (const [id, p] of this.pending) {
          round.set(id, p);
          this.pending.delete(id);
          if (round.size >= this.maxPerRound) break;
        }
        const falls = this.falls;
        this.falls = [];
        try {
          await this.evaluate(round, falls);
        } catch (error) {
          this.metrics.roundFailures += 1;
          this.o.logger?.error({ err: error, patients: round.size }, 'monitoring round failed');
        }
      }
    } finally {
      this.running = null;
    }
  }
}
