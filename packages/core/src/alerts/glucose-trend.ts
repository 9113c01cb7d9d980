/**
 * Rate of change of glucose (mg/dL/min) over a recent window, as CGM trend alerts use it (the
 * Dexcom export in shared/data/cgm shows "Fall" and "Rise" alerts set at 3 mg/dL/min). The slope
 * is the ordinary least-squares fit through every reading in the window rather than the difference
 * of its end points, so one noisy sample moves it less.
 */

export interface GlucoseSample {
  /** ms since the Unix epoch. */
  readonly timeMs: number;
  readonly glucoseMgDl: number;
}

export interface GlucoseRate {
  readonly rateMgDlPerMin: number;
  /** Readings used. */
  readonly readings: number;
  /** Time from the first to the last reading used, minutes. */
  readonly spanMin: number;
}

export interface GlucoseRateOptions {
  /** Window ending at the latest reading, minutes. Default 15. */
  readonly windowMin?: number;
  /** Fewest readings for a slope. Default 3 (three 5-minute CGM samples). */
  readonly minReadings?: number;
  /** Shortest span the readings must cover, minutes. Default 10. */
  readonly minSpanMin?: number;
}

/**
 * OLS slope over the readings within `windowMin` of the latest one. `readings` must be in time
 * order. Null when there are too few readings or they span too little time.
 */
export function glucoseRateOfChange(readings: readonly GlucoseSample[], options: GlucoseRateOptions = {}): GlucoseRate | null {
  const windowMin = options.windowMin ?? 15;
  const minReadings = options.minReadings ?? 3;
  const minSpanMin = options.minSpanMin ?? 10;
  const n = readings.length;
  if (n === 0) return null;
  const endMs = readings[n - 1]!.timeMs;
  const startMs = endMs - windowMin * 60_000;
  let first = n - 1;
  while (first > 0 && readings[first - 1]!.timeMs >= startMs) first -= 1;
  const count = n - first;
  const spanMin = (endMs - readings[first]!.timeMs) / 60_000;
  if (count < minReadings || spanMin < minSpanMin) return null;
  // Centre times on the latest reading (minutes) for numerical stability.
  let sumT = 0;
  let sumG = 0;
  for (let i = first; i < n; i++) {
    sumT += (readings[i]!.timeMs - endMs) / 60_000;
    sumG += readings[i]!.glucoseMgDl;
  }
  const meanT = sumT / count;
  const meanG = sumG / count;
  let sxy = 0;
  let sxx = 0;
  for (let i = first; i < n; i++) {
    const dt = (readings[i]!.timeMs - endMs) / 60_000 - meanT;
    sxy += dt * (readings[i]!.glucoseMgDl - meanG);
    sxx += dt * dt;
  }
  if (sxx === 0) return null;
  return { rateMgDlPerMin: sxy / sxx, readings: count, spanMin };
}
