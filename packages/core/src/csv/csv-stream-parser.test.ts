import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvRecord } from './csv-format.ts';
import { type CsvParseResult, parseCsv } from './csv-parse.ts';
import { CsvStreamParser, type CsvStreamResult } from './csv-stream-parser.ts';

/** Feeds `text` cut at `cuts` and collects everything. */
function parseInChunks(text: string, cuts: readonly number[]): CsvStreamResult {
  const parser = new CsvStreamParser();
  const out: CsvStreamResult = { records: [], errors: [] };
  const add = (r: CsvStreamResult) => {
    out.records.push(...r.records);
    out.errors.push(...r.errors);
  };
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    add(parser.push(text.slice(from, cut)));
    from = cut;
  }
  add(parser.push(text.slice(from)));
  add(parser.end());
  return out;
}

describe('CsvStreamParser (RFC 4180)', () => {
  it('quoted fields with delimiters, doubled quotes and line breaks; record start lines', () => {
    const text = 'id,note\r\n1,"a, ""quoted""\r\nvalue"\r\n2,plain\n\n3,"x"\n';
    expect(parseInChunks(text, [])).toEqual({
      records: [
        { line: 1, fields: ['id', 'note'] },
        { line: 2, fields: ['1', 'a, "quoted"\r\nvalue'] },
        { line: 4, fields: ['2', 'plain'] },
        { line: 6, fields: ['3', 'x'] },
      ],
      errors: [],
    });
  });

  it('drops a BOM, accepts a missing final line break and lone CR line ends', () => {
    expect(parseInChunks('\uFEFFa,b\rc,d', [1, 2]).records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ]);
  });

  it('reports an unterminated quote at the line it opened, and text after a closing quote', () => {
    expect(parseInChunks('a,b\n1,"open\n2,3\n', [7]).errors).toEqual([
      { line: 2, message: 'unterminated quoted field (missing closing ")' },
    ]);
    const garbage = parseInChunks('a,b\n1,"x"y\n2,3\n', []);
    expect(garbage.errors).toEqual([{ line: 2, message: 'unexpected text after a closing quote' }]);
    expect(garbage.records[1]).toEqual({
      line: 2,
      fields: ['1', 'xy'],
      errors: [{ line: 2, message: 'unexpected text after a closing quote' }],
    });
    expect(garbage.records[2]).toEqual({ line: 3, fields: ['2', '3'] });
  });

  it('property: any text, cut anywhere, parses exactly as parseCsv parses it whole', () => {
    const alphabet = fc.constantFrom('a', 'b', ',', '"', '\r', '\n', ' ', 'é');
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(alphabet, { maxLength: 60 }).map((cs) => cs.join('')),
        fc.array(fc.nat({ max: 61 }), { maxLength: 8 }),
        (bom, body, cuts) => {
          const text = (bom ? '\uFEFF' : '') + body;
          const streamed = parseInChunks(
            text,
            cuts.map((c) => Math.min(c, text.length)),
          );
          const whole: CsvParseResult = parseCsv(text);
          expect({ records: streamed.records.map(({ line, fields }) => ({ line, fields })), errors: streamed.errors }).toEqual(whole);
          // Errors attached to records are among all errors.
          for (const r of streamed.records) for (const e of r.errors ?? []) expect(streamed.errors).toContainEqual(e);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: formatCsvRecord output parses back to the same fields', () => {
    const field = fc.array(fc.constantFrom('a', ',', '"', '\r', '\n', ' ', '1'), { maxLength: 6 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { maxLength: 5 }), (rows) => {
        const text = rows.map((r) => formatCsvRecord(r)).join('');
        const parsed = parseInChunks(text, [Math.floor(text.length / 2)]);
        expect(parsed.errors).toEqual([]);
        expect(parsed.records.map((r) => r.fields)).toEqual(rows);
      }),
    );
  });

  it('rejects push after end', () => {
    const p = new CsvStreamParser();
    p.end();
    expect(() => p.push('a')).toThrow(/push after end/);
  });
});
