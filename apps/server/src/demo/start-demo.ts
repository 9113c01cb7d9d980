import { type DeviceReading, type FhirRepository, TimeSeriesStore } from '@vitaltwin/platform';
import type { Logger } from 'pino';
import type { ServerContext } from '../server-context.ts';
import { loadDemoBundles } from './demo-bundles.ts';
import { demoGlucoseRecord } from './demo-glucose.ts';
import { demoDevice, demoWardPatients } from './demo-patients.ts';
import { treatmentResources } from './demo-treatments.ts';
import { type DemoBed, DemoWard } from './demo-ward.ts';

export interface DemoOptions {
  readonly nowMs: number;
  /** How often each bed sends a vitals snapshot (default 10 s). */
  readonly liveIntervalMs?: number;
  /** Ward patients added beside the Synthea records (default 10). */
  readonly extraBeds?: number;
  /** Minutes from a deteriorating patient's onset to the full change (default 6). */
  readonly deteriorationMinutes?: number;
  readonly seed?: number;
}

export interface RunningDemo {
  readonly beds: readonly DemoBed[];
  readonly glucosePatients: readonly string[];
  readonly deteriorating: readonly string[];
  readonly loaded: boolean;
  stop(): void;
}

// The two Synthea patients with type 2 diabetes wear a CGM, fed by these virtual patients.
const glucoseWearers: Readonly<Record<string, string>> = { Emery_Purdy_: 'adult#001', Morris_Lockman_: 'adult#003' };
const historyHours = 24;
const historyStepMs = 5 * 60_000;
const cgmPastDays = 14;

/**
 * The data set `vitaltwin serve --demo` (npm start) shows: six Synthea patients plus extra beds,
 * each with a bedside monitor; 24 h of vitals history; 14 days of CGM with logged insulin and carbs
 * for the two patients with diabetes; then live vitals every few seconds through the ingest
 * pipeline (decoding, binding, storage, scoring, alerts), where a quarter of the ward deteriorates
 * within minutes. Loading twice adds nothing: records are upserted by id and history is skipped
 * when the demo devices already exist.
 */
export async function startDemo(ctx: ServerContext, repo: FhirRepository, logger: Logger, options: DemoOptions): Promise<RunningDemo> {
  const { nowMs } = options;
  // Seed 1 gives three deteriorating beds of sixteen (two Synthea patients and one extra bed).
  const seed = options.seed ?? 1;
  const alreadyLoaded = (await repo.tryRead('Device', 'demo-monitor-01')) !== undefined;
  const bundles = await loadDemoBundles(repo, 'http://localhost/fhir', !alreadyLoaded);
  const extra = demoWardPatients(options.extraBeds ?? 10);
  const patientIds = [...bundles.map((b) => b.patientId), ...extra.map((p) => p.id as string)];
  const beds: DemoBed[] = patientIds.map((patientId, i) => ({ patientId, deviceId: `demo-monitor-${String(i + 1).padStart(2, '0')}` }));
  const wearers = bundles.flatMap((b) => {
    const prefix = Object.keys(glucoseWearers).find((p) => b.file.startsWith(p));
    return prefix ? [{ patientId: b.patientId, virtual: glucoseWearers[prefix] as string }] : [];
  });
  const records = wearers.map((w, i) => ({
    ...w,
    deviceId: `demo-cgm-${String(i + 1).padStart(2, '0')}`,
    ...demoGlucoseRecord(w.patientId, `demo-cgm-${String(i + 1).padStart(2, '0')}`, w.virtual, cgmPastDays, nowMs, seed + i),
  }));
  const isoOfMin = (min: number) => new Date(min * 60_000).toISOString();
  const nowMin = nowMs / 60_000;
  const pastOnly = <T extends { readonly timeMin: number }>(items: readonly T[]) => items.filter((x) => x.timeMin <= nowMin);

  const store = new TimeSeriesStore(ctx.db);
  if (!alreadyLoaded) {
    const treatments = records.flatMap((r) =>
      treatmentResources(
        r.patientId,
        { basal: r.log.basal, boluses: pastOnly(r.log.boluses), meals: pastOnly(r.log.meals) },
        isoOfMin,
        `demo-${r.deviceId}`,
      ),
    );
    await repo.importResources([
      ...extra,
      ...beds.map((b) => demoDevice(b.deviceId, b.patientId, 'monitor')),
      ...records.map((r) => demoDevice(r.deviceId, r.patientId, 'cgm')),
      ...treatments,
    ]);
  }
  const ward = new DemoWard(beds, seed, nowMs, options.deteriorationMinutes ?? 6);
  if (!alreadyLoaded) {
    const history = ward.history(nowMs - historyHours * 3_600_000, nowMs, historyStepMs);
    const cgmPast = records.flatMap((r) => r.readings.filter((x) => x.timeMs <= nowMs));
    await writeInChunks(store, [...history, ...cgmPast]);
  }
  logger.info({ patients: beds.length, glucosePatients: records.length, reloaded: alreadyLoaded }, 'demo data ready');

  // Live: vitals through the ingest pipeline as a gateway would post them; CGM readings and the
  // logged treatments of the day ahead as their time comes.
  const interval = options.liveIntervalMs ?? 10_000;
  let cgmSentUpToMs = nowMs;
  let mealsSentUpToMin = nowMin;
  let tick = 0;
  const timer = setInterval(() => {
    const t = Date.now();
    tick += 1;
    beds.forEach((bed, i) => {
      const payload = ward.livePayload(i, t);
      ctx.ingest
        .ingest({
          transport: 'http',
          deviceId: bed.deviceId,
          format: 'compact',
          payload: JSON.stringify(payload),
          json: payload,
          receivedAtMs: t,
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'demo reading not ingested'));
    });
    const due = records.flatMap((r) => r.readings.filter((x) => x.timeMs > cgmSentUpToMs && x.timeMs <= t));
    cgmSentUpToMs = t;
    if (due.length > 0) store.write(due).catch((error: unknown) => logger.warn({ err: error }, 'demo CGM not stored'));
    if (tick % 6 === 0) {
      const nowM = t / 60_000;
      const treatments = records.flatMap((r) =>
        treatmentResources(
          r.patientId,
          {
            basal: [],
            boluses: r.log.boluses.filter((b) => b.timeMin > mealsSentUpToMin && b.timeMin <= nowM),
            meals: r.log.meals.filter((m) => m.timeMin > mealsSentUpToMin && m.timeMin <= nowM),
          },
          isoOfMin,
          `demo-${r.deviceId}-live-${Math.round(nowM)}`,
        ),
      );
      mealsSentUpToMin = nowM;
      if (treatments.length > 0)
        repo.importResources(treatments).catch((error: unknown) => logger.warn({ err: error }, 'demo treatments not stored'));
    }
  }, interval);
  timer.unref();
  return {
    beds,
    glucosePatients: records.map((r) => r.patientId),
    deteriorating: ward.deteriorating(),
    loaded: !alreadyLoaded,
    stop: () => clearInterval(timer),
  };
}

async function writeInChunks(store: TimeSeriesStore, readings: readonly DeviceReading[]): Promise<void> {
  for (let i = 0; i < readings.length; i += 20_000) await store.write(readings.slice(i, i + 20_000));
}
