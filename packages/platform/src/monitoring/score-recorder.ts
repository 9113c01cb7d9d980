import { randomUUID } from 'node:crypto';
import type { Observation } from '@medplum/fhirtypes';
import {
  type Logger,
  type MewsResult,
  mewsObservation,
  type News2Result,
  news2Observation,
  type QsofaResult,
  qsofaObservation,
  type ScoreObservation,
} from '@vitaltwin/core';
import { deviceObservationId } from '../fhir/device-observations.ts';
import type { FhirResourceSink, IdentifiedResource } from './fhir-resource-sink.ts';

/**
 * Stores a patient's early-warning scores as FHIR Observations (NEWS2, qSOFA and MEWS, sub-scores
 * as components; core fhir/score-observation.ts), throttled per score:
 * - a score whose content changed (any sub-score, total, risk, flag or assumption) is stored, but
 *   no sooner than `minIntervalMs` (default 10 s) after the patient's previous stored scores, so a
 *   value hovering on a band edge of a 1 Hz monitor cannot write an Observation every second; a
 *   change inside that interval is held and stored when it ends (the newest set wins);
 * - an unchanged score is stored again at most once per `refreshMs` (default 5 min), as a record
 *   that it still holds.
 * Writes run in the background, a few patients per transaction, at most `maxObservationsPerSec`
 * (default 50): writing through the FHIR repository validates and indexes each Observation (a few
 * ms of CPU each), so a burst (a thousand patients appearing at once) is spread out instead of
 * starving ingest; meanwhile newer sets replace older unwritten ones. Alert evaluation runs on
 * every batch regardless of storage.
 */
export interface ScoreSet {
  readonly patientId: string;
  /** When the scored vital signs were taken. */
  readonly effectiveMs: number;
  readonly news2: News2Result;
  readonly qsofa: QsofaResult;
  readonly mews: MewsResult;
  readonly assumedAir: boolean;
  readonly assumedAlert: boolean;
  /** qSOFA mentation came from a GCS reading rather than ACVPU. */
  readonly gcsMeasured: boolean;
  /**
   * The scored readings, referenced as `Observation/dr-...` in what is stored. Kept as readings: most
   * sets are throttled, and only stored ones need the references (a hash each).
   */
  readonly derivedFrom: readonly ScoredReading[];
}

export interface ScoredReading {
  readonly code: string;
  readonly timeMs: number;
  /** '' when the reading carries no device. */
  readonly deviceId: string;
}

export interface StoredScores {
  readonly set: ScoreSet;
  readonly observations: readonly Observation[];
}

export interface ScoreRecorderOptions {
  readonly nowMs?: () => number;
  readonly newId?: () => string;
  /** Unchanged scores are stored again at most this often (default 5 min). */
  readonly refreshMs?: number;
  /** Changed scores wait until this long after the patient's previous stored scores (default 10 s). */
  readonly minIntervalMs?: number;
  /** Patients per write transaction (default 4: each write blocks the event loop while it validates). */
  readonly batchSize?: number;
  /** Write rate limit (default 50 Observations per second). */
  readonly maxObservationsPerSec?: number;
  readonly logger?: Logger;
  /** Called after each set is durable (publish `score` events, notify Subscriptions). */
  readonly onStored?: (stored: StoredScores) => void;
}

export const monitorSourceTag = { system: 'https://vitaltwin.dev/fhir/CodeSystem/source', code: 'patient-monitor' } as const;

type ScoreKind = 'news2' | 'qsofa' | 'mews';
const scoreKinds: readonly ScoreKind[] = ['news2', 'qsofa', 'mews'];

interface Accepted {
  readonly set: ScoreSet;
  /** New Observation ids of the scores to store (the others are unchanged and not due). */
  readonly ids: Readonly<Partial<Record<ScoreKind, string>>>;
}

interface Last {
  readonly signature: string;
  readonly atMs: number;
  readonly id: string;
}

interface PatientState {
  last: Partial<Record<ScoreKind, Last>>;
  storedAtMs: number;
}

export class ScoreRecorder {
  private readonly state = new Map<string, PatientState>();
  private readonly pending = new Map<string, Accepted>();
  private readonly deferred = new Map<string, ScoreSet>();
  private deferTimer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> | null = null;
  /** Set by `flush`: write what is pending without the rate limit. */
  private draining = false;
  private readonly nowMs: () => number;
  private readonly newId: () => string;
  private readonly refreshMs: number;
  private readonly minIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxPerSec: number;
  /** Score sets with at least one Observation written. */
  stored = 0;
  observations = 0;
  throttled = 0;
  held = 0;
  failures = 0;
  /** Accepted sets dropped unwritten at a time-limited flush (shutdown). */
  dropped = 0;

  constructor(
    private readonly sink: FhirResourceSink,
    private readonly options: ScoreRecorderOptions = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.refreshMs = options.refreshMs ?? 300_000;
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
    this.batchSize = options.batchSize ?? 4;
    this.maxPerSec = options.maxObservationsPerSec ?? 50;
  }

  /**
   * Offers a freshly computed set. Returns the id of the NEWS2 Observation that shows this set's
   * NEWS2: new when it will be stored, the last stored one when unchanged, undefined while held.
   */
  offer(set: ScoreSet): string | undefined {
    const now = this.nowMs();
    const state = this.state.get(set.patientId) ?? { last: {}, storedAtMs: Number.NEGATIVE_INFINITY };
    const signatures = scoreSignatures(set);
    let changed = false;
    const due: ScoreKind[] = [];
    for (const kind of scoreKinds) {
      const last = state.last[kind];
      const isChanged = last === undefined || last.signature !== signatures[kind];
      changed ||= isChanged;
      if (isChanged || now - last.atMs >= this.refreshMs || now < last.atMs) due.push(kind);
    }
    if (due.length === 0) {
      this.throttled += 1;
      this.deferred.delete(set.patientId);
      return state.last.news2?.id;
    }
    if (changed && now - state.storedAtMs < this.minIntervalMs && now >= state.storedAtMs) {
      this.held += 1;
      this.deferred.set(set.patientId, set);
      this.scheduleRelease(state.storedAtMs + this.minIntervalMs - now);
      return undefined;
    }
    this.deferred.delete(set.patientId);
    const ids: Partial<Record<ScoreKind, string>> = {};
    for (const kind of due) {
      const id = this.newId();
      ids[kind] = id;
      state.last[kind] = { signature: signatures[kind], atMs: now, id };
    }
    state.storedAtMs = now;
    this.state.set(set.patientId, state);
    this.pending.set(set.patientId, { set, ids });
    this.writing ??= this.writeLoop();
    return state.last.news2?.id;
  }

  /** Offers the held sets whose interval has ended (the timer does this; tests call it after moving the clock). */
  releaseDue(): void {
    const held = [...this.deferred.values()];
    this.deferred.clear();
    for (const set of held) this.offer(set);
  }

  /**
   * Writes every accepted set now, without the rate limit (held sets stay held), and resolves when
   * done. With a time limit, what is still unwritten when it runs out is dropped (and counted):
   * scores are derived data, computed again from the next readings.
   */
  async flush(timeLimitMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.draining = true;
    const deadline = performance.now() + timeLimitMs;
    try {
      while (this.writing) {
        const left = deadline - performance.now();
        if (left <= 0) {
          this.dropped += this.pending.size;
          this.pending.clear();
          await this.writing;
          break;
        }
        // A referenced timer: the write loop may be sleeping on its (unreferenced) rate-limit timer,
        // and a flush at shutdown must not let the process exit before the writes it waits for.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.writing, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, 2_147_483_647))))]);
        clearTimeout(timer);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Stops the hold timer; held sets are dropped. */
  stop(): void {
    if (this.deferTimer) clearTimeout(this.deferTimer);
    this.deferTimer = null;
    this.deferred.clear();
  }

  private scheduleRelease(inMs: number): void {
    if (this.deferTimer) return;
    this.deferTimer = setTimeout(
      () => {
        this.deferTimer = null;
        this.releaseDue();
      },
      Math.max(0, inMs),
    );
    this.deferTimer.unref?.();
  }

  private async writeLoop(): Promise<void> {
    // Start on the next turn of the event loop: FHIR validation is synchronous work, and the
    // caller (the monitor) has alerts to write first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0) {
        const batch: Accepted[] = [];
        for (const [patientId, accepted] of this.pending) {
          batch.push(accepted);
          this.pending.delete(patientId);
          if (batch.length >= this.batchSize) break;
        }
        const issued = new Date(this.nowMs()).toISOString();
        const built = batch.map((a) => ({ set: a.set, observations: observationsOf(a, issued) }));
        const resources = built.flatMap((b) => b.observations as unknown as IdentifiedResource[]);
        const started = performance.now();
        try {
          await this.sink.upsert(resources);
          this.stored += built.length;
          this.observations += resources.length;
          for (const b of built) this.options.onStored?.(b);
        } catch (error) {
          this.failures += built.length;
          // Forget what was recorded so the next evaluation offers these patients again.
          for (const b of built) this.state.delete(b.set.patientId);
          this.options.logger?.warn({ err: error, patients: built.length }, 'storing score Observations failed');
        }
        const waitMs = this.draining ? 0 : (resources.length * 1000) / this.maxPerSec - (performance.now() - started);
        await new Promise<void>((resolve) => (waitMs > 0 ? setTimeout(resolve, waitMs).unref() : setImmediate(resolve)));
      }
    } finally {
      this.writing = null;
    }
  }
}

/** What each stored score shows; a score with the same signature adds nothing but freshness. */
export function scoreSignatures(s: ScoreSet): Readonly<Record<ScoreKind, string>> {
  return {
    news2: JSON.stringify([s.news2.subScores, s.news2.spo2Scale, s.news2.partialTotal, s.news2.redFlag, s.assumedAir, s.assumedAlert]),
    qsofa: JSON.stringify([s.qsofa.subScores, s.gcsMeasured, s.assumedAlert]),
    mews: JSON.stringify([s.mews.subScores, s.assumedAlert]),
  };
}

function observationsOf(a: Accepted, issued: string): Observation[] {
  const { set, ids } = a;
  const ctx = (id: string) => ({
    id,
    subject: `Patient/${set.patientId}`,
    effectiveDateTime: new Date(set.effectiveMs).toISOString(),
    issued,
    derivedFrom,
  });
  const derivedFrom = set.derivedFrom.map(
    (r) => `Observation/${deviceObservationId({ patientId: set.patientId, code: r.code, timeMs: r.timeMs, deviceId: r.deviceId })}`,
  );
  const airNote = set.assumedAir ? 'on air (no oxygen reading within the validity window)' : null;
  const alertNote = set.assumedAlert ? 'Alert (no ACVPU reading within the validity window)' : null;
  const out: Observation[] = [];
  if (ids.news2)
    out.push(
      finish(
        news2Observation(set.news2, ctx(ids.news2)),
        [airNote, alertNote].filter((x): x is string => x !== null),
      ),
    );
  if (ids.qsofa) {
    const assumed = set.gcsMeasured || alertNote === null ? [] : ['normal mentation (no GCS or ACVPU reading)'];
    out.push(finish(qsofaObservation(set.qsofa, ctx(ids.qsofa)), assumed));
  }
  if (ids.mews) out.push(finish(mewsObservation(set.mews, ctx(ids.mews)), alertNote === null ? [] : [alertNote]));
  return out;
}

/** Tags the Observation as the monitor's and states any assumed input in a note. */
function finish(observation: ScoreObservation, assumed: readonly string[]): Observation {
  const withMeta = { ...observation, meta: { tag: [{ ...monitorSourceTag }] } };
  const result = assumed.length === 0 ? withMeta : { ...withMeta, note: [{ text: `Assumed: ${assumed.join('; ')}.` }] };
  return result as unknown as Observation;
}
