import { describe, expect, it } from 'vitest';
import { SimInputError } from '../sim-input-error.ts';
import { CsvColumnReader, parseCsvTable } from './csv-table.ts';

describe('parseCsvTable', () => {
  it('reads header and rows with quotes, CRLF line ends and blank lines', () => {
    const t = parseCsvTable('Name, x0_ 1 ,v\r\n"a,b",1,"say ""hi"""\r\n\r\nc,2,3\n', 'test.csv');
    expect(t.header).toEqual(['Name', 'x0_ 1', 'v']);
    expect(t.rows.map((r) => [r.line, ...r.cells])).toEqual([
      [2, 'a,b', '1', 'say "hi"'],
      [4, 'c', '2', '3'],
    ]);
  });

  it('reports rows with the wrong number of cells by line', () => {
    try {
      parseCsvTable('a,b\n1,2\n3\n', 'bad.csv');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SimInputError);
      expect((e as SimInputError).problems).toEqual([{ path: 'bad.csv row 3', message: 'has 1 cells, header has 2' }]);
    }
  });

  it('names row and column of non-numeric cells and missing columns', () => {
    const t = parseCsvTable('Name,k\np1,0.5\np2,abc\n', 'p.csv');
    const r = new CsvColumnReader(t, ['Name', 'k', 'missing']);
    expect(r.number(t.rows[0]!, 'k')).toBe(0.5);
    expect(Number.isNaN(r.number(t.rows[1]!, 'k'))).toBe(true);
    expect(r.problems).toEqual([
      { path: 'p.csv header', message: 'missing column "missing"' },
      { path: 'p.csv row 3 (p2), column k', message: 'not a finite number: "abc"' },
    ]);
    expect(() => r.throwIfProblems()).toThrow(SimInputError);
  });
});
