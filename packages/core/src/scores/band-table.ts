import type { ProblemDetail } from '../errors/error-codes.ts';
import { recordedTenths, recordedWhole } from './recorded-value.ts';

/**
 * A scoring row of an early-warning chart as data, so that institutions can edit the bands
 * (MEWS is published in many local variants — Subbe 2001 copies already disagree on ≤ vs <).
 *
 * Bands are listed in ascending order by their upper bound; a value scores in the first band it
 * does not exceed: `value ≤ upTo` when `inclusive`, `value < upTo` otherwise. The last band must
 * be open-ended (`upTo: Infinity`). Values are first rounded to `decimals` (0 or 1), as charts are.
 */
export interface ScoreBand {
  readonly upTo: number;
  readonly inclusive: boolean;
  readonly score: number;
}

export interface BandTable {
  /** Charted precision: 0 for whole numbers, 1 for one decimal (temperature). */
  readonly decimals: 0 | 1;
  readonly bands: readonly ScoreBand[];
}

/** Integer value at the table's precision (38.45 → 385 tenths). */
function scaled(value: number, decimals: 0 | 1): number {
  return decimals === 1 ? recordedTenths(value) : recordedWhole(value);
}

/** The score of `value` under `table`. The table must have passed `bandTableProblems` (the last band catches everything). */
export function scoreFromBands(table: BandTable, value: number): number {
  const v = scaled(value, table.decimals);
  for (const band of table.bands) {
    if (band.upTo === Number.POSITIVE_INFINITY) return band.score;
    const bound = boundAtPrecision(band.upTo, table.decimals);
    if (band.inclusive ? v <= bound : v < bound) return band.score;
  }
  throw new RangeError('band table has no open-ended last band');
}

function boundAtPrecision(upTo: number, decimals: 0 | 1): number {
  return Math.round(decimals === 1 ? upTo * 10 : upTo);
}

/** Problems that make a table unusable, each located by `${name}.bands[i]`; empty when the table is sound. */
export function bandTableProblems(name: string, table: BandTable): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  if (table.decimals !== 0 && table.decimals !== 1) problems.push({ message: 'decimals must be 0 or 1', expression: `${name}.decimals` });
  if (table.bands.length === 0) problems.push({ message: 'needs at least one band', expression: `${name}.bands` });
  let previous: { bound: number; inclusive: boolean } | null = null;
  table.bands.forEach((band, i) => {
    const at = `${name}.bands[${i}]`;
    if (!Number.isInteger(band.score) || band.score < 0)
      problems.push({ message: 'score must be a whole number ≥ 0', expression: `${at}.score` });
    const last = i === table.bands.length - 1;
    if (band.upTo === Number.POSITIVE_INFINITY) {
      if (!last) problems.push({ message: 'only the last band may be open-ended', expression: `${at}.upTo` });
      return;
    }
    if (last) problems.push({ message: 'the last band must be open-ended (upTo: Infinity)', expression: `${at}.upTo` });
    if (!Number.isFinite(band.upTo)) {
      problems.push({ message: 'upTo must be a finite number or Infinity', expression: `${at}.upTo` });
      return;
    }
    const bound = boundAtPrecision(band.upTo, table.decimals);
    if (Math.abs(bound - (table.decimals === 1 ? band.upTo * 10 : band.upTo)) > 1e-9) {
      problems.push({
        message: `upTo ${band.upTo} is finer than the charted precision (${table.decimals} decimals)`,
        expression: `${at}.upTo`,
      });
    }
    // Ascending: a later band must reach further (an equal bound is fine only going from < to ≤).
    if (previous && (bound < previous.bound || (bound === previous.bound && !(band.inclusive && !previous.inclusive)))) {
      problems.push({ message: 'bands must be in ascending order of upTo', expression: `${at}.upTo` });
    }
    previous = { bound, inclusive: band.inclusive };
  });
  return problems;
}
