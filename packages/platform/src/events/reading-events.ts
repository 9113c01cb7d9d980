import type { DeviceReading } from '../store/time-series-store.ts';
import type { EventBus } from './event-bus.ts';

/**
 * Publishes committed device readings on the event bus, one `reading` event per patient and batch
 * (`data.readings`: code, value, unit, timeMs, deviceId), so live views update without polling.
 * Nothing is built when no one listens: at full ingest rate this costs only the check.
 */
export function publishReadings(events: EventBus, readings: readonly DeviceReading[], nowMs: number): void {
  if (events.subscriberCount === 0 || readings.length === 0) return;
  const byPatient = new Map<string, { code: string; value: number; unit: string; timeMs: number; deviceId?: string }[]>();
  for (const r of readings) {
    let list = byPatient.get(r.patientId);
    if (list === undefined) {
      list = [];
      byPatient.set(r.patientId, list);
    }
    list.push({ code: r.code, value: r.value, unit: r.unit, timeMs: r.timeMs, ...(r.deviceId ? { deviceId: r.deviceId } : {}) });
  }
  for (const [patientId, list] of byPatient) events.publish({ type: 'reading', patientId, timeMs: nowMs, data: { readings: list } });
}
