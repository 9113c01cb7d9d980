import {
  news2HeartRateScore,
  news2RespiratoryRateScore,
  news2Spo2Scale1Score,
  news2SystolicBpScore,
  news2TemperatureScore,
} from '@vitaltwin/core';
import type { WardVital } from '../api/api-types.ts';

/**
 * One vital in a ward cell: its text, the NEWS2 Chart 1 sub-score it earns (for the cell colour
 * and its words) and whether it is too old to count (the monitor's validity windows,
 * platform monitoring/vital-snapshot.ts: 15 min for continuous signals, 60 min for blood pressure
 * and temperature).
 */
export interface VitalCell {
  readonly text: string;
  readonly subScore: number | null;
  readonly stale: boolean;
  readonly time: string | null;
}

type Kind = 'rr' | 'spo2' | 'hr' | 'temp' | 'bp';

const windowsMin: Readonly<Record<Kind, number>> = { rr: 15, spo2: 15, hr: 15, temp: 60, bp: 60 };

function safeScore(score: (v: number) => number, value: number): number | null {
  try {
    return score(value);
  } catch {
    return null;
  }
}

export function vitalCell(kind: Kind, vital: WardVital | undefined, nowMs: number, diastolic?: WardVital, spo2Scale: 1 | 2 = 1): VitalCell {
  if (vital === undefined) return { text: '—', subScore: null, stale: false, time: null };
  const stale = nowMs - Date.parse(vital.time) > windowsMin[kind] * 60_000;
  switch (kind) {
    case 'rr':
      return {
        text: String(Math.round(vital.value)),
        subScore: safeScore(news2RespiratoryRateScore, vital.value),
        stale,
        time: vital.time,
      };
    case 'spo2':
      // Scale 2 needs the oxygen status; the cell colour is shown for scale 1 only.
      return {
        text: `${Math.round(vital.value)}`,
        subScore: spo2Scale === 1 ? safeScore(news2Spo2Scale1Score, vital.value) : null,
        stale,
        time: vital.time,
      };
    case 'hr':
      return { text: String(Math.round(vital.value)), subScore: safeScore(news2HeartRateScore, vital.value), stale, time: vital.time };
    case 'temp':
      return { text: vital.value.toFixed(1), subScore: safeScore(news2TemperatureScore, vital.value), stale, time: vital.time };
    case 'bp':
      return {
        text: diastolic ? `${Math.round(vital.value)}/${Math.round(diastolic.value)}` : String(Math.round(vital.value)),
        subScore: safeScore(news2SystolicBpScore, vital.value),
        stale,
        time: vital.time,
      };
    default:
      return assertNever(kind);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected vital ${String(value)}`);
}
