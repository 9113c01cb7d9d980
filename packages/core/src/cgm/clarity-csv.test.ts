import { describe, expect, it } from 'vitest';
import clarityExport from '../../../../../shared/data/cgm/cgmquantify_dexcom_g6_clarity_export.csv?raw';
import { detectCgmCsvFormat, importCgmCsv } from './cgm-csv-import.ts';
import { parseCgmTimestamp } from './cgm-timestamp.ts';
import { parseClarityCsv } from './clarity-csv.ts';

const header =
  '\uFEFFIndex,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mg/dL/min)';

describe('parseClarityCsv on the real Dexcom G6 export (shared/data/cgm)', () => {
  const result = parseClarityCsv(clarityExport, { subjectId: 'p1' });

  it('starts with a UTF-8 BOM, which does not hide the header', () => {
    expect(clarityExport.charCodeAt(0)).toBe(0xfeff);
    expect(detectCgmCsvFormat(clarityExport)).toBe('clarity');
  });

  it('reads all 2,148 EGV rows, skips the 11 metadata rows silently, and reports no errors', () => {
    expect(result.readings).toHaveLength(2148);
    expect(result.errors).toEqual([]);
    expect(result.events).toEqual([]);
    expect(result.readings.every((r) => r.subjectId === 'p1' && r.flag === undefined)).toBe(true);
  });

  it('maps the first and last EGV rows (file lines 13 and 2160) to UTC instants at offset 0', () => {
    expect(result.readings[0]).toEqual({ subjectId: 'p1', timeMs: Date.UTC(2016, 9, 24, 11, 24, 17), glucoseMgDl: 103 });
    expect(result.readings.at(-1)).toEqual({ subjectId: 'p1', timeMs: Date.UTC(2016, 10, 1, 9, 19, 2), glucoseMgDl: 108 });
  });

  it('applies a fixed local-time offset: +60 min (CET) moves every reading one hour earlier in UTC', () => {
    const cet = parseClarityCsv(clarityExport, { timeZoneOffsetMin: 60 });
    expect(cet.readings[0]!.timeMs).toBe(result.readings[0]!.timeMs - 3_600_000);
  });

  it('keeps the value range of the file (49–261 mg/dL, checked independently with a spreadsheet-style scan)', () => {
    const values = result.readings.map((r) => r.glucoseMgDl);
    expect(Math.min(...values)).toBe(49);
    expect(Math.max(...values)).toBe(261);
  });
});

describe('parseClarityCsv on synthetic exports', () => {
  it('maps Low and High to the flagged sentinels 39 and 401 mg/dL', () => {
    const text = [
      header,
      '1,,FirstName,,Jane,,,,,,,',
      '2,2024-01-01T00:00:00,EGV,,,,iPhone G6,Low,,,,',
      '3,2024-01-01T00:05:00,EGV,,,,iPhone G6,High,,,,',
      '4,2024-01-01T00:10:00,EGV,,,,iPhone G6,120,,,,',
    ].join('\r\n');
    const { readings, errors } = parseClarityCsv(text);
    expect(errors).toEqual([]);
    expect(readings.map((r) => [r.glucoseMgDl, r.flag])).toEqual([
      [39, 'low'],
      [401, 'high'],
      [120, undefined],
    ]);
  });

  it('converts mmol/L exports (×18.0) including a decimal comma, and keeps sentinels in mg/dL', () => {
    const text = [
      header.replace('Glucose Value (mg/dL)', 'Glucose Value (mmol/L)'),
      '1,2024-01-01T00:00:00,EGV,,,,G7,5.5,,,,',
      '2,2024-01-01T00:05:00,EGV,,,,G7,"3,9",,,,',
      '3,2024-01-01T00:10:00,EGV,,,,G7,Low,,,,',
    ].join('\n');
    const { readings, errors } = parseClarityCsv(text);
    expect(errors).toEqual([]);
    expect(readings[0]!.glucoseMgDl).toBeCloseTo(99, 10);
    expect(readings[1]!.glucoseMgDl).toBeCloseTo(70.2, 10);
    expect(readings[2]).toMatchObject({ glucoseMgDl: 39, flag: 'low' });
  });

  it('keeps timed non-EGV rows as events with their values', () => {
    const text = [
      header,
      '1,2024-01-01T08:00:00,Insulin,Fast-Acting,,,G6,,4.5,,,',
      '2,2024-01-01T08:01:00,Carbs,,,,G6,,,45,,',
      '3,2024-01-01T08:02:00,Calibration,,,,G6,110,,,,',
      '4,2024-01-01T08:03:00,Exercise,Medium,,,G6,,,,0:30:00,',
      '5,2024-01-01T08:04:00,Health,Illness,,,G6,,,,,',
    ].join('\n');
    const { readings, events, errors } = parseClarityCsv(text, { subjectId: 's' });
    expect(errors).toEqual([]);
    expect(readings).toEqual([]);
    expect(events).toEqual([
      { subjectId: 's', timeMs: Date.UTC(2024, 0, 1, 8, 0), type: 'Insulin', subtype: 'Fast-Acting', value: 4.5, unit: 'U' },
      { subjectId: 's', timeMs: Date.UTC(2024, 0, 1, 8, 1), type: 'Carbs', value: 45, unit: 'g' },
      { subjectId: 's', timeMs: Date.UTC(2024, 0, 1, 8, 2), type: 'Calibration', value: 110, unit: 'mg/dL' },
      { subjectId: 's', timeMs: Date.UTC(2024, 0, 1, 8, 3), type: 'Exercise', subtype: 'Medium', value: 30, unit: 'min' },
      { subjectId: 's', timeMs: Date.UTC(2024, 0, 1, 8, 4), type: 'Health', subtype: 'Illness' },
    ]);
  });

  it('skips bad rows with line number and column, and never throws', () => {
    const text = [
      header,
      '1,2024-01-01T00:00:00,EGV,,,,G6,100,,,,',
      '2,2024-13-01T00:05:00,EGV,,,,G6,101,,,,',
      '3,2024-01-01T00:10:00,EGV,,,,G6,,,,,',
      '4,2024-01-01T00:15:00,EGV,,,,G6,abc,,,,',
      '5,2024-01-01T00:20:00,EGV,,,,G6,5000,,,,',
      '6,2024-01-01T00:25:00,,,,,G6,100,,,,',
      '7,2024-01-01T00:30:00,EGV,,,,G6,104,,,,',
    ].join('\n');
    const { readings, errors } = parseClarityCsv(text);
    expect(readings.map((r) => r.glucoseMgDl)).toEqual([100, 104]);
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'Timestamp'],
      [4, 'Glucose Value (mg/dL)'],
      [5, 'Glucose Value (mg/dL)'],
      [6, 'Glucose Value (mg/dL)'],
      [7, 'Event Type'],
    ]);
    expect(errors[3]!.message).toContain('plausible');
  });

  it('reports a file without the Clarity header as one error', () => {
    const { readings, errors } = parseClarityCsv('a,b\n1,2\n');
    expect(readings).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('not a Dexcom Clarity export');
  });

  it('importCgmCsv auto-detects Clarity and generic files', () => {
    expect(importCgmCsv(`${header}\n1,2024-01-01T00:00:00,EGV,,,,G6,100,,,,\n`).format).toBe('clarity');
    expect(importCgmCsv('id,time,gl\na,2024-01-01 00:00:00,100\n').format).toBe('generic');
  });
});

describe('parseCgmTimestamp', () => {
  it('reads unzoned local time at a fixed offset, and honours an explicit zone', () => {
    expect(parseCgmTimestamp('2016-10-24T11:24:17')).toBe(Date.UTC(2016, 9, 24, 11, 24, 17));
    expect(parseCgmTimestamp('2016-10-24 11:24', -300)).toBe(Date.UTC(2016, 9, 24, 16, 24));
    expect(parseCgmTimestamp('2016-10-24T11:24:17.5Z', 120)).toBe(Date.UTC(2016, 9, 24, 11, 24, 17, 500));
    expect(parseCgmTimestamp('2016-10-24T11:24:17+02:00')).toBe(Date.UTC(2016, 9, 24, 9, 24, 17));
    expect(parseCgmTimestamp('2016-10-24T11:24:17-0530')).toBe(Date.UTC(2016, 9, 24, 16, 54, 17));
  });

  it('rejects impossible dates instead of rolling them over', () => {
    for (const bad of ['2023-02-30T00:00:00', '2023-01-01T24:00:00', '2023-01-01', '1/1/2023 10:00', '']) {
      expect(parseCgmTimestamp(bad)).toBeUndefined();
    }
  });
});
