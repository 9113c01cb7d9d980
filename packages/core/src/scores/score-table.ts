import { isVitaltwinError, VitaltwinError } from '../errors/error-codes.ts';
import { checkPlausibility, plausibleRanges } from '../fhir/plausibility-ranges.ts';
import type { VitalSignKey } from '../fhir/vital-sign-codes.ts';
import { parseAcvpu } from './acvpu.ts';
import { type MewsBandTable, scoreMews, subbeMewsBands } from './mews.ts';
import { news2Parameters, scoreNews2 } from './news2.ts';
import { scoreQsofa } from './qsofa.ts';

/**
 * Scores rows of a table (the `vitaltwin score` CLI, batch endpoints): named input columns in,
 * the same cells plus score columns out. Pure: the caller reads and writes the file.
 *
 * Cell rules: surrounding blanks are ignored; an empty cell is a missing value (the score's
 * missing-value rule applies); numbers are plain decimals; values outside the plausibility range
 * of their vital sign (fhir/plausibility-ranges.ts) are rejected as likely artefacts or wrong
 * units. Columns not used by the score are identifiers and pass through unchanged. Flags are
 * written 1/0 like the `on_oxygen` input; a cell that cannot be known is left empty.
 */

export const scoreTableNames = ['news2', 'qsofa', 'mews'] as const;

export type ScoreTableName = (typeof scoreTableNames)[number];

export interface ScoreRowProblem {
  /** Column name, or '' for a problem with the whole row. */
  readonly column: string;
  readonly message: string;
}

export type ScoreRowResult =
  | { readonly ok: true; readonly cells: string[] }
  | { readonly ok: false; readonly cells: string[]; readonly problems: ScoreRowProblem[] };

export interface ScoreTable {
  /** Input header followed by the score columns and `error`. */
  readonly outputHeader: readonly string[];
  /** Number of input columns (the first cells of every output row). */
  readonly inputColumnCount: number;
  /** Output cells for one input record (input cells first). On failure the score cells are empty and `error` explains. */
  scoreRow(fields: readonly string[]): ScoreRowResult;
}

interface Spec {
  readonly required: readonly string[];
  /** At least one of these must be present (qSOFA mentation). */
  readonly oneOf?: readonly string[];
  readonly outputs: readonly string[];
  readonly score: (cell: CellReader) => (string | number | boolean | null)[];
}

const news2Outputs = ['rr_score', 'spo2_score', 'air_o2_score', 'sbp_score', 'hr_score', 'consciousness_score', 'temp_score'];

function specFor(name: ScoreTableName, mewsBands: MewsBandTable): Spec {
  switch (name) {
    case 'news2':
      return {
        required: ['rr', 'spo2', 'spo2_scale', 'on_oxygen', 'sbp', 'hr', 'consciousness', 'temp_c'],
        outputs: [...news2Outputs, 'total', 'complete', 'partial_total', 'red_flag', 'clinical_risk'],
        score: (cell) => {
          const r = scoreNews2({
            respiratoryRatePerMin: cell.vital('rr', 'respiratoryRate', '/min'),
            spo2Percent: cell.vital('spo2', 'oxygenSaturation', '%'),
            spo2Scale: cell.choice('spo2_scale', ['1', '2']) === '2' ? 2 : 1,
            onSupplementalOxygen: cell.flag('on_oxygen'),
            systolicBpMmHg: cell.vital('sbp', 'systolicBp', 'mm[Hg]'),
            heartRatePerMin: cell.vital('hr', 'heartRate', '/min'),
            consciousness: cell.acvpu('consciousness'),
            temperatureC: cell.vital('temp_c', 'bodyTemperature', 'Cel'),
          });
          cell.throwIfProblems();
          return [...news2Parameters.map((p) => r.subScores[p]), r.total, r.complete, r.partialTotal, r.redFlag, r.clinicalRisk];
        },
      };
    case 'qsofa':
      return {
        required: ['rr', 'sbp'],
        oneOf: ['gcs', 'altered_mentation'],
        outputs: ['rr_score', 'sbp_score', 'mentation_score', 'total', 'complete', 'partial_total', 'positive'],
        score: (cell) => {
          const r = scoreQsofa({
            respiratoryRatePerMin: cell.vital('rr', 'respiratoryRate', '/min'),
            systolicBpMmHg: cell.vital('sbp', 'systolicBp', 'mm[Hg]'),
            gcsTotal: cell.has('gcs') ? cell.integer('gcs', 3, 15) : null,
            alteredMentation: cell.has('altered_mentation') ? cell.flag('altered_mentation') : null,
          });
          cell.throwIfProblems();
          return [
            r.subScores.respiratoryRate,
            r.subScores.systolicBp,
            r.subScores.mentation,
            r.total,
            r.complete,
            r.partialTotal,
            r.positive,
          ];
        },
      };
    case 'mews':
      return {
        required: ['sbp', 'hr', 'rr', 'temp_c', 'consciousness'],
        outputs: [
          'sbp_score',
          'hr_score',
          'rr_score',
          'temp_score',
          'consciousness_score',
          'total',
          'complete',
          'partial_total',
          'high_risk',
        ],
        score: (cell) => {
          const input = {
            systolicBpMmHg: cell.vital('sbp', 'systolicBp', 'mm[Hg]'),
            heartRatePerMin: cell.vital('hr', 'heartRate', '/min'),
            respiratoryRatePerMin: cell.vital('rr', 'respiratoryRate', '/min'),
            temperatureC: cell.vital('temp_c', 'bodyTemperature', 'Cel'),
            consciousness: cell.acvpu('consciousness'),
          };
          if (input.consciousness && mewsBands.consciousness[input.consciousness] === undefined) {
            cell.fail('consciousness', `"${input.consciousness}" is not on the MEWS AVPU scale of this table`);
          }
          cell.throwIfProblems();
          const r = scoreMews(input, mewsBands);
          const s = r.subScores;
          return [
            s.systolicBp,
            s.heartRate,
            s.respiratoryRate,
            s.temperature,
            s.consciousness,
            r.total,
            r.complete,
            r.partialTotal,
            r.highRisk,
          ];
        },
      };
    default:
      return assertNever(name);
  }
}

/**
 * Binds a score to a header row. Column names match case-insensitively after trimming. Throws
 * `VT_ERR_INVALID_INPUT` when a needed column is missing, a name repeats, or an input column
 * already uses an output name.
 */
export function createScoreTable(
  name: ScoreTableName,
  header: readonly string[],
  options: { readonly mewsBands?: MewsBandTable } = {},
): ScoreTable {
  const spec = specFor(name, options.mewsBands ?? subbeMewsBands);
  const index = new Map<string, number>();
  const problems: { message: string; expression: string }[] = [];
  header.forEach((raw, i) => {
    const key = raw.trim().toLowerCase();
    if (index.has(key)) problems.push({ message: `column "${raw}" appears twice`, expression: `column ${i + 1}` });
    else index.set(key, i);
  });
  for (const col of spec.required) if (!index.has(col)) problems.push({ message: `missing column "${col}"`, expression: 'header' });
  if (spec.oneOf && !spec.oneOf.some((c) => index.has(c)))
    problems.push({ message: `needs one of the columns ${spec.oneOf.map((c) => `"${c}"`).join(', ')}`, expression: 'header' });
  for (const col of [...spec.outputs, 'error']) {
    if (index.has(col))
      problems.push({ message: `input already has a column "${col}", which the output adds; rename it`, expression: 'header' });
  }
  if (problems.length > 0) {
    throw new VitaltwinError(
      'VT_ERR_INVALID_INPUT',
      `the header does not fit ${name}: needs ${spec.required.join(',')}${spec.oneOf ? ` and one of ${spec.oneOf.join('/')}` : ''}`,
      problems,
    );
  }
  const empty = spec.outputs.map(() => '');
  return {
    outputHeader: [...header, ...spec.outputs, 'error'],
    inputColumnCount: header.length,
    scoreRow(fields: readonly string[]): ScoreRowResult {
      const cells = header.map((_, i) => fields[i] ?? '');
      if (fields.length !== header.length) {
        const message = `has ${fields.length} fields, the header has ${header.length}`;
        return { ok: false, cells: [...cells, ...empty, message], problems: [{ column: '', message }] };
      }
      const reader = new CellReader(fields, index);
      try {
        const values = spec.score(reader);
        return { ok: true, cells: [...cells, ...values.map(formatCell), ''] };
      } catch (e) {
        const found = reader.problems.length > 0 ? reader.problems : problemsOf(e);
        return {
          ok: false,
          cells: [...cells, ...empty, found.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join('; ')],
          problems: found,
        };
      }
    },
  };
}

function problemsOf(e: unknown): ScoreRowProblem[] {
  if (!isVitaltwinError(e)) throw e;
  return e.problems.length > 0
    ? e.problems.map((p) => ({ column: p.expression ?? '', message: `${e.message} (${p.message})` }))
    : [{ column: '', message: e.message }];
}

function formatCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Reads typed cells of one row, collecting every problem instead of stopping at the first. */
class CellReader {
  readonly problems: ScoreRowProblem[] = [];

  constructor(
    private readonly fields: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
  ) {}

  has(column: string): boolean {
    return this.index.has(column);
  }

  private text(column: string): string {
    const i = this.index.get(column);
    return i === undefined ? '' : (this.fields[i] ?? '').trim();
  }

  fail(column: string, message: string): null {
    this.problems.push({ column, message });
    return null;
  }

  /** A vital sign value, checked for plausibility in its UCUM unit. */
  vital(column: string, key: VitalSignKey, unit: string): number | null {
    const t = this.text(column);
    if (t === '') return null;
    if (!DECIMAL.test(t)) return this.fail(column, `"${t}" is not a number`);
    const value = Number(t);
    const range = plausibleRanges[key];
    if (checkPlausibility(key, value, unit).plausible || !range) return value;
    return this.fail(column, `${t} is outside the plausible range ${range.min}–${range.max} ${range.unit} (artefact or wrong unit?)`);
  }

  integer(column: string, min: number, max: number): number | null {
    const t = this.text(column);
    if (t === '') return null;
    const value = Number(t);
    return /^\d+$/.test(t) && value >= min && value <= max
      ? value
      : this.fail(column, `"${t}" is not a whole number from ${min} to ${max}`);
  }

  flag(column: string): boolean | null {
    const t = this.text(column);
    if (t === '') return null;
    if (t === '1') return true;
    if (t === '0') return false;
    return this.fail(column, `"${t}" must be 0 or 1`);
  }

  choice(column: string, allowed: readonly string[]): string | null {
    const t = this.text(column);
    if (t === '') return null;
    return allowed.includes(t) ? t : this.fail(column, `"${t}" must be one of ${allowed.join(', ')}`);
  }

  acvpu(column: string): ReturnType<typeof parseAcvpu> {
    const t = this.text(column);
    if (t === '') return null;
    return parseAcvpu(t) ?? this.fail(column, `"${t}" is not one of A, C, V, P, U`);
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid row');
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected score ${String(value)}`);
}
