import type { GlucoseSample } from '@vitaltwin/core';
import type { DeviceReading } from '../store/time-series-store.ts';
import type { MonitorReadings } from './monitor-readings-query.ts';
import type { LatestValue } from './vital-snapshot.ts';

/**
 * The monitor's in-memory view of each patient's latest readings (the twin's state), so a round
 * needs no database read for patients it already knows. A patient is loaded ("hydrated") once
 * with the batch query of monitor-readings-query.ts and from then on kept current from the ingest
 * batches the monitor receives; it is re-loaded after `rehydrateMs` (default 10 min), which also
 * picks up readings stored by other server processes. Batches that arrive while a patient is
 * loading are buffered and applied after the load, so none is missed whichever way the load's
 * snapshot and the batch's commit interleave (applying a reading twice is harmless: the newest
 * reading per code wins and CGM samples are de-duplicated by time). At most `maxPatients` are kept
 * (least recently used go first).
 */
export interface VitalsCacheOptions {
  readonly rehydrateMs?: number;
  readonly maxPatients?: number;
  /** CGM samples older than this, relative to the newest, are dropped (default 30 min). */
  readonly cgmKeepMs?: number;
  readonly cgmCode: string;
  /** Codes kept as latest values (the scored vital signs and their context). */
  readonly latestCodes: ReadonlySet<string>;
}

interface Entry {
  state: 'loading' | 'ready';
  loadedAtMs: number;
  readonly latest: Map<string, LatestValue>;
  cgm: GlucoseSample[];
  cgmDeviceId: string;
  buffer: DeviceReading[];
}

export class VitalsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly rehydrateMs: number;
  private readonly maxPatients: number;
  private readonly cgmKeepMs: number;

  constructor(private readonly o: VitalsCacheOptions) {
    this.rehydrateMs = o.rehydrateMs ?? 600_000;
    this.maxPatients = o.maxPatients ?? 200_000;
    this.cgmKeepMs = o.cgmKeepMs ?? 30 * 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A stored reading (from the ingest hook): applied to a loaded patient, buffered for a loading one. */
  observe(r: DeviceReading): void {
    const entry = this.entries.get(r.patientId);
    if (entry === undefined) return; // not known yet: its load will read it from the store
    if (entry.state === 'loading') entry.buffer.push(r);
    else this.apply(entry, r);
  }

  /** Patients of `ids` that must be (re)loaded before their state can be used. */
  needLoading(ids: readonly string[], nowMs: number): string[] {
    return ids.filter((id) => {
      const e = this.entries.get(id);
      return e === undefined || e.state === 'loading' || nowMs - e.loadedAtMs >= this.rehydrateMs || nowMs < e.loadedAtMs;
    });
  }

  /** Marks patients as loading: from now on their readings are buffered. */
  beginLoading(ids: readonly string[], nowMs: number): void {
    for (const id of ids) {
      this.entries.delete(id);
      this.entries.set(id, { state: 'loading', loadedAtMs: nowMs, latest: new Map(), cgm: [], cgmDeviceId: '', buffer: [] });
    }
    this.evict();
  }

  /** Installs what the store returned for loading patients, then the readings buffered meanwhile. */
  completeLoading(ids: readonly string[], rows: MonitorReadings): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry === undefined || entry.state !== 'loading') continue;
      for (const value of rows.latest.get(id)?.values() ?? []) entry.latest.set(value.code, value);
      const series = rows.cgm.get(id);
      if (series) {
        entry.cgm = [...series.readings];
        entry.cgmDeviceId = series.deviceId;
      }
      entry.state = 'ready';
      const buffered = entry.buffer;
      entry.buffer = [];
      for (const r of buffered) this.apply(entry, r);
    }
  }

  /** Forgets loading patients whose load failed (the next round loads them again). */
  abandonLoading(ids: readonly string[]): void {
    for (const id of ids) if (this.entries.get(id)?.state === 'loading') this.entries.delete(id);
  }

  /** Latest value per code, each only if at or after its `fromMs` and not after `toMs`. */
  latest(
    id: string,
    windows: readonly { readonly code: string; readonly fromMs: number }[],
    toMs: number,
  ): Map<string, LatestValue> | undefined {
    const entry = this.touch(id);
    if (entry === undefined || entry.state !== 'ready') return undefined;
    const out = new Map<string, LatestValue>();
    for (const w of windows) {
      const v = entry.latest.get(w.code);
      if (v !== undefined && v.timeMs >= w.fromMs && v.timeMs <= toMs) out.set(w.code, v);
    }
    return out;
  }

  /** CGM samples within [fromMs, toMs], oldest first, with the device of the newest. */
  cgm(id: string, fromMs: number, toMs: number): { readings: GlucoseSample[]; deviceId: string } | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.state !== 'ready') return undefined;
    return { readings: entry.cgm.filter((s) => s.timeMs >= fromMs && s.timeMs <= toMs), deviceId: entry.cgmDeviceId };
  }

  private apply(entry: Entry, r: DeviceReading): void {
    if (r.code === this.o.cgmCode) {
      const list = entry.cgm;
      let i = list.length;
      while (i > 0 && (list[i - 1] as GlucoseSample).timeMs > r.timeMs) i -= 1;
      if (i > 0 && (list[i - 1] as GlucoseSample).timeMs === r.timeMs) return;
      list.splice(i, 0, { timeMs: r.timeMs, glucoseMgDl: r.value });
      if (i === list.length - 1) entry.cgmDeviceId = r.deviceId ?? '';
      const keepFrom = (list[list.length - 1] as GlucoseSample).timeMs - this.cgmKeepMs;
      let drop = 0;
      while (drop < list.length && (list[drop] as GlucoseSample).timeMs < keepFrom) drop += 1;
      if (drop > 0) list.splice(0, drop);
      return;
    }
    if (!this.o.latestCodes.has(r.code)) return;
    const current = entry.latest.get(r.code);
    if (current === undefined || r.timeMs >= current.timeMs) {
      entry.latest.set(r.code, { code: r.code, timeMs: r.timeMs, value: r.value, deviceId: r.deviceId ?? '' });
    }
  }

  /** Moves a patient to the most recently used end. */
  private touch(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  private evict(): void {
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.maxPatients) return;
      if (this.entries.get(id)?.state === 'ready') this.entries.delete(id);
    }
  }
}
