import type { SqlQueryable } from '../store/sql-client.ts';

/**
 * Which patients are scored on NEWS2 SpO2 scale 2. RCP 2017: scale 2 is only for patients with a
 * clinician-prescribed target saturation of 88–92 % (hypercapnic respiratory failure), and the
 * prescription must be documented. Vitaltwin records it as an active FHIR R4 `Flag` on the
 * patient with this code; ending it (status `inactive`, or a past `period.end`) returns the
 * patient to scale 1. The set is re-read at most every `ttlMs` (default 30 s), so a change takes
 * effect within that time.
 */
export const vitaltwinMonitoringSystem = 'https://vitaltwin.dev/fhir/CodeSystem/monitoring';
export const spo2Scale2FlagCode = {
  system: vitaltwinMonitoringSystem,
  code: 'news2-spo2-scale-2',
  display: 'NEWS2 SpO2 scale 2 (target 88–92 %)',
} as const;

export class Spo2ScaleFlags {
  private cached: { patients: ReadonlySet<string>; loadedAtMs: number } | null = null;
  private loading: Promise<ReadonlySet<string>> | null = null;

  constructor(
    private readonly db: SqlQueryable,
    private readonly nowMs: () => number = Date.now,
    private readonly ttlMs = 30_000,
  ) {}

  /**
   * The current set. From 80 % of `ttlMs` on, the cached set is still answered at once while it is
   * re-read in the background, so under steady monitoring the set is renewed before it expires and
   * a round never waits for the read (which queued behind device writes and delayed every alert of
   * that round); a set older than `ttlMs` (after an idle spell) is read again and awaited.
   */
  async scale2Patients(): Promise<ReadonlySet<string>> {
    const now = this.nowMs();
    const age = this.cached ? now - this.cached.loadedAtMs : Number.NaN;
    // A clock that stepped back (negative age) also reloads.
    if (this.cached && age >= 0 && age < this.ttlMs) {
      if (age >= 0.8 * this.ttlMs) this.reload(now).catch(() => undefined); // a failed re-read keeps the set
      return this.cached.patients;
    }
    return this.reload(now);
  }

  private reload(now: number): Promise<ReadonlySet<string>> {
    this.loading ??= this.load(now).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** Forget the cached set (after a Flag was written). */
  invalidate(): void {
    this.cached = null;
  }

  private async load(now: number): Promise<ReadonlySet<string>> {
    const rows = await this.db.query<{ subject: string | null; period_end: string | null }>(
      `SELECT content->'subject'->>'reference' AS subject, content->'period'->>'end' AS period_end
         FROM fhir_resource
        WHERE resource_type = 'Flag' AND NOT deleted AND content->>'status' = 'active'
          AND (content->'code'->'coding')::jsonb @> $1::jsonb`,
      [JSON.stringify([{ system: spo2Scale2FlagCode.system, code: spo2Scale2FlagCode.code }])],
    );
    const patients = new Set<string>();
    for (const r of rows) {
      const m = r.subject === null ? null : /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(r.subject);
      const ended = r.period_end !== null && Date.parse(r.period_end) <= now;
      if (m?.[1] && !ended) patients.add(m[1]);
    }
    this.cached = { patients, loadedAtMs: now };
    return patients;
  }
}
