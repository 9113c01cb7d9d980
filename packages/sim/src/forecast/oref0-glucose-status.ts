import type { GlucoseSeries } from './forecaster.ts';

/**
 * oref0's view of recent CGM trend (OpenAPS oref0 `lib/glucose-get-last.js`), in mg/dL per 5 min,
 * looking back from the last reading ("now"):
 * - readings within 2.5 min of now are averaged into now (glucose and time);
 * - every earlier reading gives avgdelta = (now − then)/minutesAgo·5, minutesAgo rounded;
 * - delta = mean avgdelta of readings 2.5–7.5 min ago, short_avgdelta of 2.5–17.5 min ago,
 *   long_avgdelta of 17.5–42.5 min ago; a mean over no readings is 0 (as in oref0).
 * Readings ≤ 38 mg/dL are skipped as oref0 does. oref0 rounds the outputs to 0.01; this does not.
 */
export interface Oref0GlucoseStatus {
  readonly glucoseMgDl: number;
  readonly delta: number;
  readonly shortAvgDelta: number;
  readonly longAvgDelta: number;
}

export function oref0GlucoseStatus(history: GlucoseSeries): Oref0GlucoseStatus {
  const t = history.timeMin;
  const g = history.glucoseMgDl;
  const last = t.length - 1;
  if (last < 0) throw new RangeError('oref0GlucoseStatus needs at least one reading');
  let nowG = g[last]!;
  let nowT = t[last]!;
  let lastSum = 0;
  let lastN = 0;
  let shortSum = 0;
  let shortN = 0;
  let longSum = 0;
  let longN = 0;
  for (let i = last - 1; i >= 0; i--) {
    const minutesAgo = Math.round(nowT - t[i]!);
    if (minutesAgo >= 42.5) break;
    if (!(g[i]! > 38)) continue;
    const avgDelta = minutesAgo !== 0 ? ((nowG - g[i]!) / minutesAgo) * 5 : 0;
    if (-2 < minutesAgo && minutesAgo < 2.5) {
      nowG = (nowG + g[i]!) / 2;
      nowT = (nowT + t[i]!) / 2;
    } else if (2.5 < minutesAgo && minutesAgo < 17.5) {
      shortSum += avgDelta;
      shortN += 1;
      if (minutesAgo < 7.5) {
        lastSum += avgDelta;
        lastN += 1;
      }
    } else if (17.5 < minutesAgo && minutesAgo < 42.5) {
      longSum += avgDelta;
      longN += 1;
    }
  }
  return {
    glucoseMgDl: nowG,
    delta: lastN > 0 ? lastSum / lastN : 0,
    shortAvgDelta: shortN > 0 ? shortSum / shortN : 0,
    longAvgDelta: longN > 0 ? longSum / longN : 0,
  };
}
