import { VitaltwinError } from '../errors/error-codes.ts';
import { alertDedupKey, clear, firing, type RuleOutcome } from './alert-intent.ts';
import type { AlertSeverity } from './alert-severity.ts';

/**
 * Stale data: a bound device has sent nothing for `staleAfterMin` minutes (one alert per device,
 * key `patientId:stale-data:deviceId`). The limit depends on the device — a CGM samples every
 * 5 minutes and Dexcom's own "Signal Loss" alert defaults to 20 minutes (shared Dexcom export),
 * while a daily weight scale may be silent for a day — so there is no default. A device that never
 * reported counts from the time monitoring started.
 */
export interface StaleDataInput {
  readonly patientId: string;
  readonly deviceId: string;
  /** Time of the latest reading from the device, or null if none yet. */
  readonly lastReadingMs: number | null;
  /** When monitoring of this device began (binding time). */
  readonly monitoringSinceMs: number;
  readonly nowMs: number;
  readonly staleAfterMin: number;
  /** Default 'low'. */
  readonly severity?: AlertSeverity;
}

export function evaluateStaleData(input: StaleDataInput): RuleOutcome {
  if (!(input.staleAfterMin > 0)) {
    throw new VitaltwinError('VT_ERR_CONFIG', 'staleAfterMin must be > 0', [
      { message: `got ${input.staleAfterMin}`, expression: 'staleAfterMin' },
    ]);
  }
  const dedupKey = alertDedupKey(input.patientId, 'stale-data', input.deviceId);
  const sinceMs = input.lastReadingMs ?? input.monitoringSinceMs;
  const silentMin = (input.nowMs - sinceMs) / 60_000;
  if (silentMin <= input.staleAfterMin) return clear(dedupKey, 'stale-data', input.lastReadingMs ?? input.nowMs);
  const minutes = Math.floor(silentMin);
  return firing({
    dedupKey,
    patientId: input.patientId,
    kind: 'stale-data',
    severity: input.severity ?? 'low',
    summary:
      input.lastReadingMs === null
        ? `No data from device in ${minutes} min since monitoring began`
        : `No data from device for ${minutes} min`,
    atMs: input.nowMs,
    deviceId: input.deviceId,
    details: { lastReadingMs: input.lastReadingMs, silentMin: minutes, staleAfterMin: input.staleAfterMin },
  });
}
