import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from './ucum-canonical.ts';

// Oracles: UCUM definitions (ucum.org): m[Hg] = 133.322 kPa, [lb_av] = 453.59237 g,
// Cel = K - 273.15, [degF] = 5/9 K from -459.67; SI prefixes. Tolerance: 1e-9 relative.
const same = (a: string, va: number, b: string, vb: number) => {
  const x = canonicalQuantity(va, a)!;
  const y = canonicalQuantity(vb, b)!;
  expect(x.code).toBe(y.code);
  expect(Math.abs(x.value / y.value - 1)).toBeLessThan(1e-9);
};

describe('canonicalQuantity', () => {
  it('meets equal quantities in different units of one dimension', () => {
    same('mg/dL', 100, 'g/L', 1);
    same('kg', 72.5, 'g', 72_500);
    same('[lb_av]', 1, 'g', 453.592_37);
    same('mm[Hg]', 1, 'Pa', 133.322);
    same('mm[Hg]', 750, 'kPa', 99.9915);
    same('/min', 60, '/s', 1);
    same('h', 1, 'min', 60);
    same('10*3/uL', 7.5, '/L', 7.5e9);
    same('kg/m2', 25, 'g/m2', 25_000);
    same('mmol/L', 5.5, 'umol/L', 5500);
  });

  it('converts temperature scales to kelvin', () => {
    expect(canonicalQuantity(37, 'Cel')).toEqual({ value: 310.15, code: 'K' });
    expect(canonicalQuantity(98.6, '[degF]')!.value).toBeCloseTo(310.15, 9);
  });

  it('treats annotations and % as dimensionless', () => {
    expect(canonicalQuantity(3, '{score}')).toEqual({ value: 3, code: '1' });
    expect(canonicalQuantity(95, '%')!.code).toBe('1');
    expect(canonicalQuantity(95, '%')!.value).toBeCloseTo(0.95, 12);
  });

  it('leaves units outside its grammar uncanonical', () => {
    expect(canonicalQuantity(1, 'furlong')).toBeUndefined();
    expect(canonicalQuantity(1, 'mg/dL/h/x')).toBeUndefined();
    expect(canonicalQuantity(1, '')).toBeUndefined();
  });

  it('does not take names of Object.prototype for units', () => {
    for (const unit of ['constructor', 'toString', '__proto__', 'mconstructor', 'hasOwnProperty/s']) {
      expect(canonicalQuantity(1, unit)).toBeUndefined();
    }
  });

  it('gives the same answer for a unit seen before (units are parsed once)', () => {
    expect(canonicalQuantity(2, 'mg/dL')).toEqual(canonicalQuantity(2, 'mg/dL'));
    expect(canonicalQuantity(5, 'mg/dL')!.value).toBeCloseTo(50, 9);
    expect(canonicalQuantity(2, 'furlong')).toBeUndefined();
    expect(canonicalQuantity(2, 'furlong')).toBeUndefined();
  });
});
