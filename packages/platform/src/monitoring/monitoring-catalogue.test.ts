import { describe, expect, it } from 'vitest';
import { coreReadingCatalogue } from '../ingest/reading-catalogue.ts';
import { withMonitoringCodes } from './monitoring-catalogue.ts';
import { monitoringCodes as c } from './monitoring-codes.ts';

describe('ingest catalogue with monitoring codes', () => {
  const catalogue = withMonitoringCodes(coreReadingCatalogue);

  it('accepts oxygen, ACVPU, GCS and fall readings in their units and ranges', () => {
    expect(catalogue.normalise(c.oxygenFlow, 2, 'l/min')).toEqual({ ok: true, reading: { code: c.oxygenFlow, value: 2, unit: 'L/min' } });
    expect(catalogue.normalise(c.acvpu, 3, '1')).toEqual({ ok: true, reading: { code: c.acvpu, value: 3, unit: '{ACVPU}' } });
    expect(catalogue.normalise(c.gcsTotal, 14, '{score}').ok).toBe(true);
    expect(catalogue.normalise(c.fall, 1, '1').ok).toBe(true);
    expect(catalogue.isKnownCode(c.acvpu)).toBe(true);
  });

  it('rejects values outside the encoding or in another unit', () => {
    expect(catalogue.normalise(c.acvpu, 2.5, '{ACVPU}')).toMatchObject({ ok: false, reason: 'implausible' });
    expect(catalogue.normalise(c.oxygenConcentration, 15, '%')).toMatchObject({ ok: false, reason: 'implausible' });
    expect(catalogue.normalise(c.gcsTotal, 16, '{score}')).toMatchObject({ ok: false, reason: 'implausible' });
    expect(catalogue.normalise(c.oxygenFlow, 2, '/min')).toMatchObject({ ok: false, reason: 'wrong-unit' });
  });

  it('leaves every other code to the base catalogue', () => {
    expect(catalogue.normalise('8867-4', 72, '/min')).toEqual(coreReadingCatalogue.normalise('8867-4', 72, '/min'));
    expect(catalogue.isKnownCode('0000-0')).toBe(false);
  });
});
