import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vitalSignCodes } from '../fhir/vital-sign-codes.ts';
import { omhUnitNames, omhUnitToUcum } from './omh-units.ts';
import {
  canConvert,
  celsiusToFahrenheit,
  convertUcum,
  fahrenheitToCelsius,
  glucoseMgDlPerMmolL,
  glucoseMgDlToMmolL,
  glucoseMmolLToMgDl,
  kPaToMmHg,
  mmHgToKPa,
  poundsToKg,
  unitKind,
} from './ucum-convert.ts';

// Oracles: fixed points of the temperature scales, the exact pound and inch definitions, the UCUM
// m[Hg] definition (133.3220 kPa), the glucose molar mass from atomic weights, and the rounded
// mmol/L equivalents of the consensus glucose thresholds (Battelino 2019).

describe('temperature', () => {
  it.each([
    [32, 0],
    [212, 100],
    [-40, -40],
    [98.6, 37],
    [104, 40],
  ])('%f [degF] = %f Cel (tolerance 1e-12)', (f, c) => {
    expect(convertUcum(f, '[degF]', 'Cel')).toBeCloseTo(c, 12);
    expect(fahrenheitToCelsius(f)).toBeCloseTo(c, 12);
    expect(celsiusToFahrenheit(c)).toBeCloseTo(f, 12);
  });

  it('Cel to K adds 273.15', () => {
    expect(convertUcum(37, 'Cel', 'K')).toBeCloseTo(310.15, 12);
  });
});

describe('glucose mass ↔ molar concentration', () => {
  it('uses 180.156 g/mol: 1 mmol/L = 18.0156 mg/dL', () => {
    expect(glucoseMgDlPerMmolL).toBeCloseTo(18.0156, 10);
    expect(convertUcum(5.5, 'mmol/L', 'mg/dL')).toBeCloseTo(99.0858, 4);
  });

  it.each([
    [70, 3.9],
    [54, 3.0],
    [180, 10.0],
    [250, 13.9],
  ])('consensus threshold %i mg/dL ≈ %f mmol/L (to 0.1)', (mgDl, mmolL) => {
    expect(Math.round(glucoseMgDlToMmolL(mgDl) * 10) / 10).toBe(mmolL);
  });

  it('mg/L and g/L are plain scale changes', () => {
    expect(convertUcum(1, 'g/L', 'mg/dL')).toBeCloseTo(100, 12);
    expect(convertUcum(900, 'mg/L', 'mg/dL')).toBeCloseTo(90, 12);
  });

  it('round trip mmol/L → mg/dL → mmol/L (relative 1e-12)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 40, noNaN: true }),
        (x) => Math.abs(glucoseMgDlToMmolL(glucoseMmolLToMgDl(x)) - x) <= 1e-12 * x,
      ),
    );
  });
});

describe('pressure, mass, length', () => {
  it('13.3322 kPa = 100 mm[Hg]; 1 kPa = 7.50064 mm[Hg] (tolerance 1e-5)', () => {
    expect(kPaToMmHg(13.3322)).toBeCloseTo(100, 5);
    expect(convertUcum(1, 'kPa', 'mm[Hg]')).toBeCloseTo(7.50064, 5);
    expect(mmHgToKPa(120)).toBeCloseTo(15.99864, 5);
  });

  it('150 [lb_av] = 68.0388555 kg exactly by definition; 70 [in_i] = 177.8 cm', () => {
    expect(poundsToKg(150)).toBeCloseTo(68.0388555, 9);
    expect(convertUcum(150, '[lb_av]', 'kg')).toBeCloseTo(68.0388555, 9);
    expect(convertUcum(70, '[in_i]', 'cm')).toBeCloseTo(177.8, 9);
    expect(convertUcum(1500, 'g', 'kg')).toBeCloseTo(1.5, 12);
  });

  it('round trips between any two units of a kind (relative 1e-12)', () => {
    const pairs = [
      ['[lb_av]', 'g'],
      ['kPa', 'mm[Hg]'],
      ['[in_i]', 'mm'],
      ['[degF]', 'K'],
      ['/s', '/h'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.double({ min: 1, max: 1000, noNaN: true }), ([a, b], x) => {
        const back = convertUcum(convertUcum(x, a, b), b, a);
        return Math.abs(back - x) <= 1e-12 * Math.abs(x);
      }),
    );
  });
});

describe('unsupported conversions', () => {
  it('throws VT_ERR_NOT_SUPPORTED for unknown units and across kinds', () => {
    expect(() => convertUcum(1, 'furlong', 'm')).toThrow(/cannot convert furlong to m/);
    expect(() => convertUcum(1, 'kg', 'Cel')).toThrow(
      expect.objectContaining({
        code: 'VT_ERR_NOT_SUPPORTED',
        problems: [expect.objectContaining({ message: 'unit Cel is not a mass unit' })],
      }),
    );
    expect(canConvert('mmol/L', 'mg/dL')).toBe(true);
    expect(canConvert('%', '/min')).toBe(false);
  });

  it('every unit listed for a vital sign converts to its canonical unit', () => {
    for (const c of Object.values(vitalSignCodes)) {
      for (const u of c.units) {
        expect(c.canonicalUnit && canConvert(u, c.canonicalUnit), `${c.label}: ${u}`).toBe(true);
      }
    }
  });
});

describe('Open mHealth unit names', () => {
  it.each([
    ['beats/min', '/min'],
    ['breaths/min', '/min'],
    ['mmHg', 'mm[Hg]'],
    ['C', 'Cel'],
    ['F', '[degF]'],
    ['mg/dL', 'mg/dL'],
    ['mmol/L', 'mmol/L'],
    ['%', '%'],
    ['lb', '[lb_av]'],
  ])('%s → %s', (omh, ucum) => {
    expect(omhUnitToUcum(omh)).toBe(ucum);
  });

  it('unknown names map to undefined, and every mapped unit is one the converter knows', () => {
    expect(omhUnitToUcum('bpm')).toBeUndefined();
    for (const name of omhUnitNames) expect(unitKind(omhUnitToUcum(name)!), name).toBeDefined();
  });
});
