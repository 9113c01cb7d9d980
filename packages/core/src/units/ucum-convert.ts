import { VitaltwinError } from '../errors/error-codes.ts';

/**
 * Conversions between the UCUM units (https://ucum.org/ucum) that vital-sign and glucose data
 * arrive in. Not a general UCUM engine: a closed table of the units this project accepts, each as
 * a factor to a base unit of its kind, plus the affine temperature scales.
 *
 * Sources for the factors:
 * - [lb_av] = 0.45359237 kg, [in_i] = 2.54 cm: exact by the international yard and pound
 *   agreement (1959), as UCUM defines them.
 * - mm[Hg]: UCUM defines m[Hg] = 133.3220 kPa, so 1 mm[Hg] = 133.322 Pa (kPa ↔ mm[Hg] uses this).
 * - [degF]: UCUM defines it as 5/9 K with the Fahrenheit offset, so °C = (°F − 32) × 5/9.
 * - Glucose mass ↔ molar concentration needs the molar mass of glucose, C6H12O6:
 *   6 × 12.011 + 12 × 1.008 + 6 × 15.999 = 180.156 g/mol (IUPAC conventional atomic weights),
 *   so 1 mmol/L = 180.156 mg/L = 18.0156 mg/dL. (Devices and apps round this to 18 or use
 *   18.0182; the differences are below 0.1 mg/dL over the whole clinical range.)
 */

export const glucoseMolarMassGPerMol = 180.156;

/** mg/dL per mmol/L of glucose: molar mass (g/mol = mg/mmol) divided by 10 dL/L. */
export const glucoseMgDlPerMmolL = glucoseMolarMassGPerMol / 10;

/** Pascal per mm[Hg] (UCUM m[Hg] = 133.3220 kPa). */
export const pascalPerMmHg = 133.322;

export type UnitKind = 'mass' | 'length' | 'pressure' | 'rate' | 'fraction' | 'bmi' | 'count' | 'temperature' | 'glucose';

/** Linear units: value in the base unit = value × factor. */
const linearUnits: Readonly<Record<string, { kind: Exclude<UnitKind, 'temperature' | 'glucose'>; factor: number }>> = {
  kg: { kind: 'mass', factor: 1 },
  g: { kind: 'mass', factor: 1e-3 },
  '[lb_av]': { kind: 'mass', factor: 0.45359237 },
  m: { kind: 'length', factor: 1 },
  cm: { kind: 'length', factor: 0.01 },
  mm: { kind: 'length', factor: 0.001 },
  '[in_i]': { kind: 'length', factor: 0.0254 },
  Pa: { kind: 'pressure', factor: 1 },
  kPa: { kind: 'pressure', factor: 1000 },
  'mm[Hg]': { kind: 'pressure', factor: pascalPerMmHg },
  '/min': { kind: 'rate', factor: 1 },
  '/s': { kind: 'rate', factor: 60 },
  '/h': { kind: 'rate', factor: 1 / 60 },
  '%': { kind: 'fraction', factor: 1 },
  'kg/m2': { kind: 'bmi', factor: 1 },
  '{steps}': { kind: 'count', factor: 1 },
  '1': { kind: 'count', factor: 1 },
};

/** Temperatures to kelvin: K = (value + offset) × scale. */
const temperatureUnits: Readonly<Record<string, { offset: number; scale: number }>> = {
  K: { offset: 0, scale: 1 },
  Cel: { offset: 273.15, scale: 1 },
  '[degF]': { offset: 459.67, scale: 5 / 9 },
};

/** Glucose concentrations to mg/dL. */
const glucoseUnits: Readonly<Record<string, number>> = {
  'mg/dL': 1,
  'mg/L': 0.1,
  'g/L': 100,
  'mmol/L': glucoseMgDlPerMmolL,
};

/** The kind of a supported UCUM unit, or undefined when this module does not know it. */
export function unitKind(ucum: string): UnitKind | undefined {
  if (ucum in temperatureUnits) return 'temperature';
  if (ucum in glucoseUnits) return 'glucose';
  return linearUnits[ucum]?.kind;
}

export function canConvert(fromUcum: string, toUcum: string): boolean {
  const kind = unitKind(fromUcum);
  return kind !== undefined && kind === unitKind(toUcum);
}

/**
 * Converts `value` from one UCUM unit to another of the same kind. mg/dL ↔ mmol/L assumes the
 * analyte is glucose (the only molar concentration this project handles). Throws
 * `VT_ERR_NOT_SUPPORTED` for unknown units or different kinds.
 */
export function convertUcum(value: number, fromUcum: string, toUcum: string): number {
  if (fromUcum === toUcum) return value;
  const kind = unitKind(fromUcum);
  if (kind === undefined || kind !== unitKind(toUcum)) {
    throw new VitaltwinError('VT_ERR_NOT_SUPPORTED', `cannot convert ${fromUcum} to ${toUcum}`, [
      { message: kind === undefined ? `unknown unit ${fromUcum}` : `unit ${toUcum} is not a ${kind} unit`, expression: 'unit' },
    ]);
  }
  if (kind === 'temperature') {
    const from = temperatureUnits[fromUcum]!;
    const to = temperatureUnits[toUcum]!;
    return ((value + from.offset) * from.scale) / to.scale - to.offset;
  }
  if (kind === 'glucose') return (value * glucoseUnits[fromUcum]!) / glucoseUnits[toUcum]!;
  return (value * linearUnits[fromUcum]!.factor) / linearUnits[toUcum]!.factor;
}

export const fahrenheitToCelsius = (degF: number): number => ((degF - 32) * 5) / 9;
export const celsiusToFahrenheit = (degC: number): number => (degC * 9) / 5 + 32;
export const glucoseMmolLToMgDl = (mmolL: number): number => mmolL * glucoseMgDlPerMmolL;
export const glucoseMgDlToMmolL = (mgDl: number): number => mgDl / glucoseMgDlPerMmolL;
export const kPaToMmHg = (kPa: number): number => (kPa * 1000) / pascalPerMmHg;
export const mmHgToKPa = (mmHg: number): number => (mmHg * pascalPerMmHg) / 1000;
export const poundsToKg = (lb: number): number => lb * 0.45359237;
