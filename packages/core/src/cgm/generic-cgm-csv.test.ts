import { describe, expect, it } from 'vitest';
import { parseGenericCgmCsv } from './generic-cgm-csv.ts';

describe('parseGenericCgmCsv (iglu id,time,gl)', () => {
  it('reads several subjects with their own ids', () => {
    const text = 'id,time,gl\nA,2024-01-01 00:00:00,100\nB,2024-01-01 00:00:00,150\nA,2024-01-01 00:05:00,104\n';
    const { readings, errors } = parseGenericCgmCsv(text);
    expect(errors).toEqual([]);
    expect(readings).toEqual([
      { subjectId: 'A', timeMs: Date.UTC(2024, 0, 1, 0, 0), glucoseMgDl: 100 },
      { subjectId: 'B', timeMs: Date.UTC(2024, 0, 1, 0, 0), glucoseMgDl: 150 },
      { subjectId: 'A', timeMs: Date.UTC(2024, 0, 1, 0, 5), glucoseMgDl: 104 },
    ]);
  });

  it('accepts the documented aliases, in any column order and case', () => {
    const text = 'Glucose,Subject_ID,Timestamp\n99,x,2024-01-01T10:00:00Z\n';
    expect(parseGenericCgmCsv(text).readings).toEqual([{ subjectId: 'x', timeMs: Date.UTC(2024, 0, 1, 10), glucoseMgDl: 99 }]);
  });

  it('uses the subjectId option when there is no subject column', () => {
    const { readings } = parseGenericCgmCsv('time,gl\n2024-01-01 00:00,100\n', { subjectId: 'solo' });
    expect(readings[0]!.subjectId).toBe('solo');
  });

  it('reads mmol/L from a *_mmol column or the unit option, semicolon-delimited with decimal commas', () => {
    expect(parseGenericCgmCsv('id,time,gl_mmol\na,2024-01-01 00:00,5.5\n').readings[0]!.glucoseMgDl).toBeCloseTo(99, 10);
    const semi = parseGenericCgmCsv('id;time;gl\na;2024-01-01 00:00;5,5\n', { unit: 'mmol/L' });
    expect(semi.errors).toEqual([]);
    expect(semi.readings[0]!.glucoseMgDl).toBeCloseTo(99, 10);
  });

  it('maps Low/High and applies the time-zone offset to unzoned times', () => {
    const { readings } = parseGenericCgmCsv('id,time,gl\na,2024-01-01 01:00,LOW\na,2024-01-01 01:05,high\n', { timeZoneOffsetMin: 60 });
    expect(readings).toEqual([
      { subjectId: 'a', timeMs: Date.UTC(2024, 0, 1, 0, 0), glucoseMgDl: 39, flag: 'low' },
      { subjectId: 'a', timeMs: Date.UTC(2024, 0, 1, 0, 5), glucoseMgDl: 401, flag: 'high' },
    ]);
  });

  it('skips bad rows with line and column and keeps the good ones', () => {
    const text =
      'id,time,gl\na,2024-01-01 00:00,100\n,2024-01-01 00:05,100\na,yesterday,100\na,2024-01-01 00:15,-4\na,2024-01-01 00:20\na,2024-01-01 00:25,110\n';
    const { readings, errors } = parseGenericCgmCsv(text);
    expect(readings.map((r) => r.glucoseMgDl)).toEqual([100, 110]);
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'id'],
      [4, 'time'],
      [5, 'gl'],
      [6, 'gl'],
    ]);
  });

  it('explains a header without time or glucose columns', () => {
    const { errors } = parseGenericCgmCsv('foo,bar\n1,2\n');
    expect(errors).toEqual([{ line: 1, message: expect.stringContaining('no time and glucose (gl) column') }]);
    expect(parseGenericCgmCsv('').errors[0]!.message).toContain('empty file');
  });
});
