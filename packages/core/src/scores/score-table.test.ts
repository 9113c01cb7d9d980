import { describe, expect, it } from 'vitest';
import { VitaltwinError } from '../errors/error-codes.ts';
import { createScoreTable } from './score-table.ts';

const news2Header = ['patient_id', 'rr', 'spo2', 'spo2_scale', 'on_oxygen', 'sbp', 'hr', 'consciousness', 'temp_c', 'time'];
const outCols = [
  'rr_score',
  'spo2_score',
  'air_o2_score',
  'sbp_score',
  'hr_score',
  'consciousness_score',
  'temp_score',
  'total',
  'complete',
  'partial_total',
  'red_flag',
  'clinical_risk',
  'error',
];

describe('NEWS2 table', () => {
  const table = createScoreTable('news2', news2Header);
  const row = (cells: string[]) => table.scoreRow(cells);

  it('appends the score columns after every input column', () => {
    expect(table.outputHeader).toEqual([...news2Header, ...outCols]);
  });

  it('scores a row, passing id columns through unchanged', () => {
    expect(row(['p 1', '22', '93', '1', '1', '105', '115', 'A', '38.5', '2025-01-01T08:00'])).toEqual({
      ok: true,
      cells: [
        'p 1',
        '22',
        '93',
        '1',
        '1',
        '105',
        '115',
        'A',
        '38.5',
        '2025-01-01T08:00',
        '2',
        '2',
        '2',
        '1',
        '2',
        '0',
        '1',
        '10',
        '1',
        '10',
        '0',
        'high',
        '',
      ],
    });
  });

  it('empty cells are missing values: total and risk empty, complete 0, partial total and red flag from the rest', () => {
    const r = row(['p2', '', '97', '', '0', '85', '70', 'a', ' 37.0 ', 'x']);
    expect(r.cells.slice(news2Header.length)).toEqual(['', '0', '0', '3', '0', '0', '0', '', '0', '3', '1', '', '']);
  });

  it('reports every bad cell of a row and leaves its scores empty', () => {
    const r = row(['p3', 'abc', '97', '3', 'yes', '120', '70', 'X', '98.6', 'x']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.column)).toEqual(['rr', 'spo2_scale', 'on_oxygen', 'consciousness', 'temp_c']);
      expect(r.problems[4]!.message).toBe('98.6 is outside the plausible range 25–45 Cel (artefact or wrong unit?)');
    }
    expect(r.cells.slice(news2Header.length, -1).every((c) => c === '')).toBe(true);
    expect(r.cells.at(-1)).toBe(
      'rr: "abc" is not a number; spo2_scale: "3" must be one of 1, 2; on_oxygen: "yes" must be 0 or 1; consciousness: "X" is not one of A, C, V, P, U; temp_c: 98.6 is outside the plausible range 25–45 Cel (artefact or wrong unit?)',
    );
  });

  it('a row with the wrong number of fields is an error, cells kept', () => {
    const r = row(['p4', '12']);
    expect(r.ok).toBe(false);
    expect(r.cells).toHaveLength(news2Header.length + outCols.length);
    expect(r.cells.at(-1)).toBe('has 2 fields, the header has 10');
  });
});

describe('header checks', () => {
  it('matches column names case-insensitively in any order', () => {
    const t = createScoreTable('news2', ['TEMP_C', 'Consciousness', 'HR', 'sbp', 'on_oxygen', 'spo2_scale', 'spo2', 'rr']);
    expect(t.scoreRow(['37', 'A', '70', '120', '0', '1', '97', '16']).cells.slice(8, 16)).toEqual(['0', '0', '0', '0', '0', '0', '0', '0']);
  });

  it('names every missing, repeated or clashing column', () => {
    try {
      createScoreTable('news2', ['rr', 'rr', 'spo2', 'total']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VitaltwinError);
      const messages = (e as VitaltwinError).problems.map((p) => p.message);
      expect(messages).toEqual(
        expect.arrayContaining([
          'column "rr" appears twice',
          'missing column "temp_c"',
          'input already has a column "total", which the output adds; rename it',
        ]),
      );
    }
  });
});

describe('qSOFA and MEWS tables', () => {
  it('qSOFA reads GCS or an altered-mentation flag', () => {
    const t = createScoreTable('qsofa', ['id', 'rr', 'sbp', 'gcs']);
    expect(t.scoreRow(['a', '22', '100', '15']).cells).toEqual(['a', '22', '100', '15', '1', '1', '0', '2', '1', '2', '1', '']);
    expect(t.scoreRow(['b', '22', '', '16']).cells.at(-1)).toBe('gcs: "16" is not a whole number from 3 to 15');
    expect(() => createScoreTable('qsofa', ['rr', 'sbp'])).toThrow(/one of gcs\/altered_mentation/);
  });

  it('MEWS scores AVPU and refuses new confusion on the plain AVPU table', () => {
    const t = createScoreTable('mews', ['sbp', 'hr', 'rr', 'temp_c', 'consciousness']);
    expect(t.scoreRow(['75', '115', '16', '37', 'A']).cells.slice(5)).toEqual(['2', '2', '1', '0', '0', '5', '1', '5', '1', '']);
    expect(t.scoreRow(['120', '80', '12', '37', 'C']).cells.at(-1)).toBe('consciousness: "C" is not on the MEWS AVPU scale of this table');
  });
});
