import { describe, expect, it } from 'vitest';
import { parseDateRange, periodRange, timestampLiteral } from './date-range.ts';

// Oracle: FHIR R4 search 3.1.1.4.2 — a date stands for the whole interval its precision covers.
const ms = (iso: string) => Date.parse(iso);

describe('parseDateRange', () => {
  it.each([
    ['2020', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z'],
    ['2020-02', '2020-02-01T00:00:00Z', '2020-03-01T00:00:00Z'],
    ['2020-12', '2020-12-01T00:00:00Z', '2021-01-01T00:00:00Z'],
    ['2020-02-29', '2020-02-29T00:00:00Z', '2020-03-01T00:00:00Z'],
    ['2020-03-01T10:00', '2020-03-01T10:00:00Z', '2020-03-01T10:01:00Z'],
    ['2020-03-01T10:00:05Z', '2020-03-01T10:00:05Z', '2020-03-01T10:00:06Z'],
    ['2020-03-01T10:00:05.1Z', '2020-03-01T10:00:05.100Z', '2020-03-01T10:00:05.200Z'],
    ['2020-03-01T10:00:05.123Z', '2020-03-01T10:00:05.123Z', '2020-03-01T10:00:05.124Z'],
    ['2020-03-01T10:00:00+02:00', '2020-03-01T08:00:00Z', '2020-03-01T08:00:01Z'],
    ['2020-03-01T00:30:00-05:30', '2020-03-01T06:00:00Z', '2020-03-01T06:00:01Z'],
  ])('%s is [%s, %s)', (text, lo, hi) => {
    expect(parseDateRange(text)).toEqual({ loMs: ms(lo), hiMs: ms(hi) });
  });

  it('keeps years below 100 as written', () => {
    expect(new Date(parseDateRange('0045')!.loMs).getUTCFullYear()).toBe(45);
    expect(parseDateRange('0099-12-31')!.hiMs).toBe(parseDateRange('0100')!.loMs);
  });

  it('knows the Gregorian leap years (divisible by 4, centuries only when divisible by 400)', () => {
    for (const year of ['2000', '1600', '2024', '0004']) expect(parseDateRange(`${year}-02-29`), year).toBeDefined();
    for (const year of ['1900', '2100', '2023', '0100']) expect(parseDateRange(`${year}-02-29`), year).toBeUndefined();
    expect(parseDateRange('2021-04-31')).toBeUndefined();
    expect(parseDateRange('2021-12-31')).toBeDefined();
  });

  it.each([
    '2021-02-29',
    '2020-13',
    '2020-00-10',
    '20200101',
    '2020-1-1',
    '2020-03-01T25:00',
    'yesterday',
    '',
    // FHIR R4 has no year 0000 and no zone beyond ±14:00 (datatypes.html#dateTime).
    '0000',
    '0000-02-29',
    '2020-03-01T10:00:00+14:30',
    '2020-03-01T10:00:00-15:00',
    '2020-03-01T10:00:00+05:60',
  ])('rejects %s', (text) => {
    expect(parseDateRange(text)).toBeUndefined();
  });
});

describe('periodRange', () => {
  it('spans from the start of its start to the end of its end, open ends infinite', () => {
    expect(periodRange('2020-01', '2020-03')).toEqual({ loMs: ms('2020-01-01T00:00:00Z'), hiMs: ms('2020-04-01T00:00:00Z') });
    expect(periodRange('2020-01-01', undefined)).toEqual({ loMs: ms('2020-01-01T00:00:00Z'), hiMs: Infinity });
    expect(periodRange(undefined, '2020')).toEqual({ loMs: -Infinity, hiMs: ms('2021-01-01T00:00:00Z') });
    expect(periodRange(undefined, undefined)).toBeUndefined();
  });

  it('writes infinite ends as PostgreSQL infinity literals', () => {
    expect(timestampLiteral(Infinity)).toBe('infinity');
    expect(timestampLiteral(-Infinity)).toBe('-infinity');
    expect(timestampLiteral(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('accepts the widest zones FHIR allows', () => {
    expect(parseDateRange('2020-03-01T10:00:00+14:00')!.loMs).toBe(ms('2020-02-29T20:00:00Z'));
    expect(parseDateRange('2020-03-01T10:00:00-13:59')!.loMs).toBe(ms('2020-03-01T23:59:00Z'));
  });

  it('writes years beyond 0001-9999 the way PostgreSQL reads them', () => {
    // The end of 9999 (an upper search bound) and an `ap` bound widened before year 1.
    expect(timestampLiteral(parseDateRange('9999')!.hiMs)).toBe('10000-01-01T00:00:00.000Z');
    expect(timestampLiteral(Date.UTC(123456, 0, 2))).toBe('123456-01-02T00:00:00.000Z');
    // Astronomical year 0 is 1 BC, year -200 is 201 BC.
    const yearZero = new Date(0);
    yearZero.setUTCFullYear(0, 5, 15);
    expect(timestampLiteral(yearZero.getTime())).toBe('0001-06-15T00:00:00.000Z BC');
    const year200Bc = new Date(0);
    year200Bc.setUTCFullYear(-200, 0, 1);
    expect(timestampLiteral(year200Bc.getTime())).toBe('0201-01-01T00:00:00.000Z BC');
    // Beyond what a Date holds: infinite.
    expect(timestampLiteral(9e15)).toBe('infinity');
    expect(timestampLiteral(-9e15)).toBe('-infinity');
  });
});
