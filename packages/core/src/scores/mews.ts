import { type ProblemDetail, VitaltwinError } from '../errors/error-codes.ts';
import { type Acvpu, acvpuLevels } from './acvpu.ts';
import { type BandTable, bandTableProblems, scoreFromBands } from './band-table.ts';
import { isMissing, requireInDomain, sumPresent } from './recorded-value.ts';

/**
 * Modified Early Warning Score (Subbe CP, Kruger M, Rutherford P, Gemmel L. QJM 2001;94:521–6) as a
 * configurable score family: hospitals edit the bands (Leeds, Gardner-Thorpe and others differ), and
 * even copies of Subbe's table disagree at the edges (≤70 vs <70, ≤8 vs <9, ≤35 vs <35, >29 vs ≥30).
 * Every boundary therefore lives in a `MewsBandTable`; `subbeMewsBands` is the default of
 * clinical-references.md. A total ≥5 was associated with increased risk of death and ICU admission.
 *
 * Missing values follow the NEWS2 project rule (null sub-score, null total, partialTotal lower bound).
 */

export interface MewsBandTable {
  readonly systolicBp: BandTable;
  readonly heartRate: BandTable;
  readonly respiratoryRate: BandTable;
  readonly temperature: BandTable;
  /** Points per level of consciousness; a level left out (e.g. "C" in plain AVPU) is rejected as input. */
  readonly consciousness: Readonly<Partial<Record<Acvpu, number>>>;
  /** Totals at or above this are flagged `highRisk` (Subbe 2001: 5). */
  readonly highRiskThreshold: number;
}

const le = (upTo: number, score: number) => ({ upTo, inclusive: true, score });
const lt = (upTo: number, score: number) => ({ upTo, inclusive: false, score });
const rest = (score: number) => ({ upTo: Number.POSITIVE_INFINITY, inclusive: true, score });

/** Subbe 2001 as transcribed in clinical-references.md (MEWS table). */
export const subbeMewsBands: MewsBandTable = {
  // ≤70 → 3, 71–80 → 2, 81–100 → 1, 101–199 → 0, ≥200 → 2
  systolicBp: { decimals: 0, bands: [le(70, 3), le(80, 2), le(100, 1), le(199, 0), rest(2)] },
  // ≤40 → 2, 41–50 → 1, 51–100 → 0, 101–110 → 1, 111–129 → 2, ≥130 → 3
  heartRate: { decimals: 0, bands: [le(40, 2), le(50, 1), le(100, 0), le(110, 1), le(129, 2), rest(3)] },
  // <9 → 2, 9–14 → 0, 15–20 → 1, 21–29 → 2, ≥30 → 3
  respiratoryRate: { decimals: 0, bands: [lt(9, 2), le(14, 0), le(20, 1), le(29, 2), rest(3)] },
  // <35 → 2, 35.0–38.4 → 0, ≥38.5 → 2
  temperature: { decimals: 1, bands: [lt(35, 2), le(38.4, 0), rest(2)] },
  // AVPU: Alert 0, Voice 1, Pain 2, Unresponsive 3
  consciousness: { A: 0, V: 1, P: 2, U: 3 },
  highRiskThreshold: 5,
};

export interface MewsInput {
  readonly systolicBpMmHg?: number | null;
  readonly heartRatePerMin?: number | null;
  readonly respiratoryRatePerMin?: number | null;
  readonly temperatureC?: number | null;
  readonly consciousness?: Acvpu | null;
}

export const mewsParameters = ['systolicBp', 'heartRate', 'respiratoryRate', 'temperature', 'consciousness'] as const;

export type MewsParameter = (typeof mewsParameters)[number];

export interface MewsResult {
  readonly subScores: Readonly<Record<MewsParameter, number | null>>;
  readonly total: number | null;
  readonly complete: boolean;
  readonly partialTotal: number;
  /** Total ≥ the table's threshold; null while it depends on a missing input. */
  readonly highRisk: boolean | null;
}

/** Checks a (possibly hand-edited) table and returns it; throws `VT_ERR_CONFIG` listing every problem. */
export function validateMewsBandTable(table: MewsBandTable): MewsBandTable {
  const problems: ProblemDetail[] = [
    ...bandTableProblems('systolicBp', table.systolicBp),
    ...bandTableProblems('heartRate', table.heartRate),
    ...bandTableProblems('respiratoryRate', table.respiratoryRate),
    ...bandTableProblems('temperature', table.temperature),
  ];
  for (const level of acvpuLevels) {
    const points = table.consciousness[level];
    if (points !== undefined && (!Number.isInteger(points) || points < 0)) {
      problems.push({ message: 'points must be a whole number ≥ 0', expression: `consciousness.${level}` });
    }
  }
  if (table.consciousness.A === undefined) problems.push({ message: 'Alert must have a score', expression: 'consciousness.A' });
  if (!Number.isInteger(table.highRiskThreshold) || table.highRiskThreshold < 0) {
    problems.push({ message: 'must be a whole number ≥ 0', expression: 'highRiskThreshold' });
  }
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_CONFIG', 'invalid MEWS band table', problems);
  return table;
}

function consciousnessScore(table: MewsBandTable, level: Acvpu): number {
  const points = table.consciousness[level];
  if (points === undefined) {
    const known = acvpuLevels.filter((l) => table.consciousness[l] !== undefined).join(', ');
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `MEWS: consciousness "${level}" is not on this table's scale (${known})`, [
      { message: `got ${level}`, expression: 'consciousness' },
    ]);
  }
  return points;
}

/** Scores one observation set with `table` (default Subbe 2001); pass tables through `validateMewsBandTable` once at load. */
export function scoreMews(input: MewsInput, table: MewsBandTable = subbeMewsBands): MewsResult {
  const banded = (name: string, value: number | null | undefined, bands: BandTable, max: number): number | null => {
    if (isMissing(value)) return null;
    requireInDomain('MEWS', name, value, { min: 0, max });
    return scoreFromBands(bands, value);
  };
  const subScores: Record<MewsParameter, number | null> = {
    systolicBp: banded('systolicBpMmHg', input.systolicBpMmHg, table.systolicBp, 400),
    heartRate: banded('heartRatePerMin', input.heartRatePerMin, table.heartRate, 400),
    respiratoryRate: banded('respiratoryRatePerMin', input.respiratoryRatePerMin, table.respiratoryRate, 200),
    temperature: banded('temperatureC', input.temperatureC, table.temperature, 50),
    consciousness: isMissing(input.consciousness) ? null : consciousnessScore(table, input.consciousness),
  };
  const { sum, complete } = sumPresent(mewsParameters.map((p) => subScores[p]));
  return {
    subScores,
    total: complete ? sum : null,
    complete,
    partialTotal: sum,
    highRisk: sum >= table.highRiskThreshold ? true : complete ? false : null,
  };
}
