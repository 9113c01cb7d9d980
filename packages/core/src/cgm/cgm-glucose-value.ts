import { type CgmReadingFlag, cgmHighSentinelMgDl, cgmLowSentinelMgDl, type GlucoseUnit, mgDlPerMmolL } from './cgm-reading.ts';

export type GlucoseFieldResult =
  | { readonly ok: true; readonly glucoseMgDl: number; readonly flag?: CgmReadingFlag }
  | { readonly ok: false; readonly message: string };

/**
 * Values outside this band cannot be a CGM reading in the stated unit; the usual cause is a
 * mmol/L file read as mg/dL (or the reverse), so it is reported rather than imported.
 */
export const plausibleGlucoseMgDl = { min: 10, max: 1000 } as const;

const numberPattern = /^\+?(\d+(?:[.,]\d+)?|[.,]\d+)$/;

/**
 * Reads one glucose cell: a number in `unit` (a decimal comma is accepted, as mmol/L exports from
 * some locales write `5,6`), or the out-of-range words `Low` / `High` (also `LO` / `HI`), which
 * map to the flagged sentinels 39 / 401 mg/dL (see cgm-reading.ts).
 */
export function parseGlucoseField(text: string, unit: GlucoseUnit): GlucoseFieldResult {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'glucose value is empty' };
  const word = t.toLowerCase();
  if (word === 'low' || word === 'lo') return { ok: true, glucoseMgDl: cgmLowSentinelMgDl, flag: 'low' };
  if (word === 'high' || word === 'hi') return { ok: true, glucoseMgDl: cgmHighSentinelMgDl, flag: 'high' };
  if (!numberPattern.test(t)) return { ok: false, message: `glucose value ${JSON.stringify(clip(t))} is not a number, Low or High` };
  const value = Number(t.replace(',', '.'));
  const mgDl = unit === 'mmol/L' ? value * mgDlPerMmolL : value;
  if (mgDl < plausibleGlucoseMgDl.min || mgDl > plausibleGlucoseMgDl.max) {
    return {
      ok: false,
      message: `glucose ${t} ${unit} is outside the plausible range ${plausibleGlucoseMgDl.min}–${plausibleGlucoseMgDl.max} mg/dL (wrong unit?)`,
    };
  }
  return { ok: true, glucoseMgDl: mgDl };
}

/** Keeps echoed cell text short in error messages. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
