import { describe, expect, it } from 'vitest';
import { coreReadingCatalogue as catalogue } from './reading-catalogue.ts';

describe('reading catalogue (LOINC code, UCUM unit, plausibility)', () => {
  it('stores canonical units unchanged', () => {
    expect(catalogue.normalise('8867-4', 72, '/min')).toEqual({ ok: true, reading: { code: '8867-4', value: 72, unit: '/min' } });
    expect(catalogue.normalise('8480-6', 120, 'mm[Hg]')).toEqual({ ok: true, reading: { code: '8480-6', value: 120, unit: 'mm[Hg]' } });
  });

  it('converts °F to Cel: 98.6 [degF] = 37 Cel exactly ((98.6 − 32) × 5/9), tolerance 1e-9', () => {
    const v = catalogue.normalise('8310-5', 98.6, '[degF]');
    expect(v.ok && v.reading.unit).toBe('Cel');
    expect(v.ok && v.reading.value).toBeCloseTo(37, 9);
  });

  it('stores molar glucose under the mass code in mg/dL (1 mmol/L = 18.0156 mg/dL, molar mass 180.156 g/mol), tolerance 1e-9', () => {
    const lab = catalogue.normalise('15074-8', 5.5, 'mmol/L');
    expect(lab.ok && lab.reading.code).toBe('2339-0');
    expect(lab.ok && lab.reading.value).toBeCloseTo(5.5 * 18.0156, 9);
    const cgm = catalogue.normalise('105272-9', 10, 'mmol/L');
    expect(cgm.ok && [cgm.reading.code, cgm.reading.unit]).toEqual(['99504-3', 'mg/dL']);
    const mass = catalogue.normalise('2339-0', 5.5, 'mmol/L');
    expect(mass.ok && mass.reading.unit).toBe('mg/dL');
  });

  it('stores the SpO2 alias 59408-5 under 2708-6', () => {
    expect(catalogue.normalise('59408-5', 97, '%')).toEqual({ ok: true, reading: { code: '2708-6', value: 97, unit: '%' } });
  });

  it('ignores UCUM annotations ({beats}/min means /min)', () => {
    expect(catalogue.normalise('8867-4', 72, '{beats}/min')).toEqual({ ok: true, reading: { code: '8867-4', value: 72, unit: '/min' } });
  });

  it('converts kPa to mm[Hg] (1 mm[Hg] = 133.322 Pa), tolerance 1e-9', () => {
    const v = catalogue.normalise('8480-6', 16, 'kPa');
    expect(v.ok && v.reading.value).toBeCloseTo(16000 / 133.322, 9);
  });

  it('rejects unknown codes, panels, wrong units and implausible values with a reason', () => {
    expect(catalogue.normalise('1234-5', 1, '/min')).toMatchObject({ ok: false, reason: 'unknown-code' });
    expect(catalogue.normalise('85354-9', 120, 'mm[Hg]')).toMatchObject({ ok: false, reason: 'unknown-code' });
    expect(catalogue.normalise('8867-4', 72, 'mm[Hg]')).toMatchObject({ ok: false, reason: 'wrong-unit' });
    expect(catalogue.normalise('8867-4', 72, 'bpm')).toMatchObject({ ok: false, reason: 'wrong-unit' });
    expect(catalogue.normalise('8310-5', 37, 'mm[Hg]')).toMatchObject({ ok: false, reason: 'wrong-unit' });
    // Band edges from core plausibility-ranges: heart rate 20–300 /min, temperature 25–45 Cel.
    expect(catalogue.normalise('8867-4', 300, '/min').ok).toBe(true);
    expect(catalogue.normalise('8867-4', 301, '/min')).toMatchObject({ ok: false, reason: 'implausible' });
    expect(catalogue.normalise('8867-4', 19, '/min')).toMatchObject({ ok: false, reason: 'implausible' });
    // A Fahrenheit value sent as Cel is the classic artefact.
    expect(catalogue.normalise('8310-5', 98.6, 'Cel')).toMatchObject({ ok: false, reason: 'implausible' });
  });

  it('tells which codes it stores (for choosing among codings)', () => {
    expect(catalogue.isKnownCode('8867-4')).toBe(true);
    expect(catalogue.isKnownCode('59408-5')).toBe(true);
    expect(catalogue.isKnownCode('85354-9')).toBe(false);
    expect(catalogue.isKnownCode('0000-0')).toBe(false);
  });
});
