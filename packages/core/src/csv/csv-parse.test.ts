import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-parse.ts';

describe('parseCsv (RFC 4180)', () => {
  it('splits records on CRLF and LF and fields on commas, with 1-based start lines', () => {
    const { records, errors } = parseCsv('a,b,c\r\n1,2,3\n4,,6\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 3, fields: ['4', '', '6'] },
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks (RFC 4180 §2.5–2.7)', () => {
    const { records, errors } = parseCsv('id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,x\n');
    expect(errors).toEqual([]);
    expect(records.map((r) => r.fields)).toEqual([
      ['id', 'note'],
      ['1', 'a, b'],
      ['2', 'say "hi"'],
      ['3', 'two\nlines'],
      ['4', 'x'],
    ]);
    // The record after the two-line field starts on line 6.
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
  });

  it('drops a UTF-8 BOM, skips blank lines and keeps a last record without a newline', () => {
    const { records } = parseCsv('\uFEFFa,b\n\n1,2\n\n3,4');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
      { line: 5, fields: ['3', '4'] },
    ]);
  });

  it('keeps empty trailing fields', () => {
    expect(parseCsv('1,,,\n').records[0]!.fields).toEqual(['1', '', '', '']);
  });

  it('reports an unterminated quote at the line it opened, without throwing', () => {
    const { records, errors } = parseCsv('a,b\n1,"open\n2,3\n');
    expect(errors).toEqual([{ line: 2, message: expect.stringContaining('unterminated') }]);
    expect(records[0]!.fields).toEqual(['a', 'b']);
  });

  it('reports text after a closing quote and keeps it', () => {
    const { records, errors } = parseCsv('"ab"c,d\n');
    expect(errors).toEqual([{ line: 1, message: expect.stringContaining('after a closing quote') }]);
    expect(records[0]!.fields).toEqual(['abc', 'd']);
  });

  it('treats a quote inside an unquoted field as text', () => {
    expect(parseCsv('5" tall,x\n').records[0]!.fields).toEqual(['5" tall', 'x']);
  });

  it('supports another delimiter and rejects a quote as delimiter', () => {
    expect(parseCsv('a;"b;c"\n', { delimiter: ';' }).records[0]!.fields).toEqual(['a', 'b;c']);
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(RangeError);
  });
});
