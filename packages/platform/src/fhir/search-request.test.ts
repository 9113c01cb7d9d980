import { describe, expect, it } from 'vitest';
import { parseSearchRequest, splitEscaped, splitValues, unescapeValue } from './search-request.ts';
import { parseNumberRange, parseQuantityValue, parseTokenValue, splitPrefix } from './search-values.ts';

// Oracle: FHIR R4 search.html 3.1.1.1 (AND/OR, escaping) and 3.1.1.4 (prefixes, tokens, quantities).
const parse = (query: string) => parseSearchRequest('Observation', new URLSearchParams(query));

describe('parseSearchRequest', () => {
  it('keeps repeated parameters as separate clauses (AND) and commas as values (OR)', () => {
    const r = parse('code=a,b&date=ge2020&date=lt2021');
    expect(r.clauses.map((c) => [c.code, c.values])).toEqual([
      ['code', ['a', 'b']],
      ['date', ['ge2020']],
      ['date', ['lt2021']],
    ]);
  });

  it('splits modifiers off the parameter name', () => {
    const r = parse('subject:Patient=1&code:not=x&value-string:exact=Abc');
    expect(r.clauses.map((c) => [c.code, c.modifier])).toEqual([
      ['subject', 'Patient'],
      ['code', 'not'],
      ['value-string', 'exact'],
    ]);
  });

  it('reads the result parameters', () => {
    const r = parse(
      '_count=5000&_offset=40&_sort=-date,code&_summary=count&_elements=code,subject&_total=none&_include=Observation:patient&_include:iterate=Patient:organization&_revinclude=Provenance:target:Observation',
    );
    expect(r.count).toBe(1000);
    expect(r.offset).toBe(40);
    expect(r.sort).toEqual([
      { code: 'date', descending: true },
      { code: 'code', descending: false },
    ]);
    expect(r.summary).toBe('count');
    expect(r.elements).toEqual(['code', 'subject']);
    expect(r.total).toBe('none');
    expect(r.include.map((i) => [i.sourceType, i.param, i.iterate])).toEqual([
      ['Observation', 'patient', false],
      ['Patient', 'organization', true],
    ]);
    expect(r.revinclude[0]).toMatchObject({ sourceType: 'Provenance', param: 'target', targetType: 'Observation' });
    expect(r.clauses).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  it('reports malformed result parameters', () => {
    const r = parse('_count=-1&_summary=maybe&_include=Observation');
    expect(r.problems).toHaveLength(3);
  });

  it('treats \\, as a literal comma and \\| \\$ as literal separators', () => {
    expect(splitValues('a\\,b,c')).toEqual(['a\\,b', 'c']);
    expect(unescapeValue('a\\,b\\|c\\$d\\\\')).toBe('a,b|c$d\\');
    expect(splitEscaped('http://loinc.org|8480-6$gt140', '$')).toEqual(['http://loinc.org|8480-6', 'gt140']);
    expect(splitEscaped('a\\$b$c', '$')).toEqual(['a\\$b', 'c']);
  });
});

describe('search values', () => {
  it('splits comparison prefixes, and only prefixes', () => {
    expect(splitPrefix('ge2020')).toEqual({ prefix: 'ge', rest: '2020' });
    expect(splitPrefix('2020')).toEqual({ prefix: 'eq', rest: '2020' });
    expect(splitPrefix('ap5.4')).toEqual({ prefix: 'ap', rest: '5.4' });
  });

  it('gives numbers their implicit precision range', () => {
    expect(parseNumberRange('100')).toEqual({ value: 100, lo: 99.5, hi: 100.5 });
    const r = parseNumberRange('5.40')!;
    expect(r.lo).toBeCloseTo(5.395, 12);
    expect(r.hi).toBeCloseTo(5.405, 12);
    const e = parseNumberRange('1e2')!;
    expect([e.lo, e.hi]).toEqual([50, 150]);
    expect(parseNumberRange('abc')).toBeUndefined();
  });

  it('reads tokens as system|code, |code and code', () => {
    expect(parseTokenValue('http://loinc.org|8867-4')).toEqual({ system: 'http://loinc.org', code: '8867-4' });
    expect(parseTokenValue('|8867-4')).toEqual({ system: '', code: '8867-4' });
    expect(parseTokenValue('8867-4')).toEqual({ code: '8867-4' });
    expect(parseTokenValue('http://loinc.org|')).toEqual({ system: 'http://loinc.org' });
    expect(parseTokenValue('a\\|b')).toEqual({ code: 'a|b' });
    expect(parseTokenValue('')).toBeUndefined();
  });

  it('reads quantities as [prefix]number|system|code', () => {
    expect(parseQuantityValue('gt5.4|http://unitsofmeasure.org|mg')).toMatchObject({
      prefix: 'gt',
      system: 'http://unitsofmeasure.org',
      code: 'mg',
    });
    expect(parseQuantityValue('5.4||mg')).toMatchObject({ prefix: 'eq', code: 'mg' });
    expect(parseQuantityValue('5.4')?.system).toBeUndefined();
    expect(parseQuantityValue('5.4|mg')).toBeUndefined();
  });
});
