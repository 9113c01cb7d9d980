import type { SqlQueryable } from '../store/sql-client.ts';
import { patientIdOf } from './patient-reference.ts';

/** Where a device's readings go: the patient of its FHIR Device, or why there is none. */
export type DeviceBinding = { readonly patientId: string } | { readonly patientId: null; readonly detail: string };

export interface DeviceBindingOptions {
  /** How long a found binding is trusted before the Device is read again. */
  readonly ttlMs?: number;
  /** How long "no such device" is remembered (short, so a newly registered device is soon accepted). */
  readonly negativeTtlMs?: number;
  readonly nowMs?: () => number;
}

interface CacheEntry {
  readonly binding: DeviceBinding;
  readonly expiresAtMs: number;
  /** A background re-read of this stale binding is under way. */
  refreshing?: boolean;
}

interface Waiter {
  resolve(binding: DeviceBinding): void;
  reject(error: unknown): void;
}

/** Device.status values whose readings are not accepted (FHIR R4 device-status). */
const refusedStatuses = new Set(['inactive', 'entered-in-error']);

/**
 * Resolves device id → patient id from the FHIR store: the `Device` resource with that logical id,
 * its `patient` reference (FHIR R4 Device.patient). Results are cached for a short time; lookups that
 * miss in the same tick are answered by one query. Call `invalidate` when a Device is written.
 *
 * A binding to a patient that has gone stale is still answered for up to one more `ttlMs` while it
 * is re-read in the background (with every other device due in the same tick): otherwise every
 * device bound at start-up expired at once, and each one's next message waited for the re-read —
 * a pause in ingest and alerting every `ttlMs` under load. A Device written through this server
 * invalidates its binding at once; one written elsewhere is seen after the re-read. "No such
 * device" is not served stale, so a newly registered device's next message is accepted.
 */
export class DeviceBindingCache {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly waiting = new Map<string, Waiter[]>();
  /** Stale bindings to re-read in the background. */
  private readonly refresh = new Set<string>();
  /** Bumped by `invalidate`: a read that started before it must not refill the cache. */
  private generation = 0;
  private scheduled = false;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly nowMs: () => number;

  constructor(
    private readonly db: SqlQueryable,
    options: DeviceBindingOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 5_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The cached binding, if fresh: the synchronous fast path of the ingest hot loop. */
  peek(deviceId: string): DeviceBinding | undefined {
    const entry = this.cache.get(deviceId);
    if (entry === undefined) return undefined;
    const now = this.nowMs();
    if (entry.expiresAtMs > now) return entry.binding;
    if (entry.binding.patientId === null || entry.expiresAtMs + this.ttlMs <= now) {
      this.cache.delete(deviceId);
      return undefined;
    }
    if (!entry.refreshing) {
      entry.refreshing = true;
      this.refresh.add(deviceId);
      this.schedule();
    }
    return entry.binding;
  }

  resolve(deviceId: string): Promise<DeviceBinding> {
    const cached = this.peek(deviceId);
    if (cached !== undefined) return Promise.resolve(cached);
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(deviceId);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(deviceId, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.lookupWaiting());
  }

  /** Forgets one device (after its Device resource changed), or every device. */
  invalidate(deviceId?: string): void {
    this.generation += 1;
    if (deviceId === undefined) this.cache.clear();
    else this.cache.delete(deviceId);
  }

  private async lookupWaiting(): Promise<void> {
    this.scheduled = false;
    const batch = new Map(this.waiting);
    this.waiting.clear();
    const refreshing = [...this.refresh].filter((id) => !batch.has(id));
    this.refresh.clear();
    const ids = [...batch.keys(), ...refreshing];
    const generation = this.generation;
    try {
      const rows = await this.db.query<{ id: string; patient_ref: string | null; status: string | null }>(
        `SELECT id, content->'patient'->>'reference' AS patient_ref, content->>'status' AS status
           FROM fhir_resource WHERE resource_type = 'Device' AND id = ANY($1::text[]) AND NOT deleted`,
        [ids],
      );
      const found = new Map(rows.map((r) => [r.id, r]));
      const now = this.nowMs();
      for (const id of ids) {
        const binding = bindingOf(found.get(id));
        if (generation === this.generation)
          this.cache.set(id, { binding, expiresAtMs: now + (binding.patientId === null ? this.negativeTtlMs : this.ttlMs) });
        for (const w of batch.get(id) ?? []) w.resolve(binding);
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
      // A failed re-read leaves the stale bindings as they were; a later message tries again.
      for (const id of refreshing) {
        const entry = this.cache.get(id);
        if (entry) entry.refreshing = false;
      }
    }
  }
}

function bindingOf(row: { patient_ref: string | null; status: string | null } | undefined): DeviceBinding {
  if (row === undefined) return { patientId: null, detail: 'no FHIR Device with this id' };
  if (row.status !== null && refusedStatuses.has(row.status)) return { patientId: null, detail: `Device.status is ${row.status}` };
  if (row.patient_ref === null) return { patientId: null, detail: 'Device.patient is not set' };
  const patientId = patientIdOf(row.patient_ref);
  return patientId === undefined ? { patientId: null, detail: 'Device.patient is not a Patient/{id} reference' } : { patientId };
}
