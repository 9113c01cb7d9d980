import { convertUcum } from '../units/ucum-convert.ts';
import { type VitalSignKey, vitalSignCodes } from './vital-sign-codes.ts';

/**
 * Plausibility ranges that flag device artefacts (lead off, probe off the skin, a °F value in a °C
 * field), not clinical abnormality: every value inside a range is physiologically possible, and a
 * value outside is far more likely an artefact or a unit mistake than a living patient's state.
 * Flagged values are kept and marked, never silently dropped. These are project choices; the
 * rationale of each names what it rests on.
 */
export interface PlausibleRange {
  readonly min: number;
  readonly max: number;
  /** UCUM unit of min/max: the code's canonical unit. */
  readonly unit: string;
  readonly rationale: string;
}

export const plausibleRanges: Readonly<Partial<Record<VitalSignKey, PlausibleRange>>> = {
  heartRate: {
    min: 20,
    max: 300,
    unit: '/min',
    rationale:
      "Below 20/min a monitor is more likely counting noise than a perfusing rhythm; 300/min is about the fastest conducted ventricular rate (pre-excited atrial fibrillation). Children's centile charts (Fleming S et al., Lancet 2011;377:1011) lie well inside.",
  },
  respiratoryRate: {
    min: 3,
    max: 80,
    unit: '/min',
    rationale:
      'Neonatal 99th centiles stay below 70/min (Fleming 2011) and adult rates above 60/min are exceptional; impedance and motion sensors produce out-of-range counts on artefact. Apnoea should arrive as a device apnoea event, not as a rate.',
  },
  oxygenSaturation: {
    min: 50,
    max: 100,
    unit: '%',
    rationale:
      'Pulse-oximeter accuracy is specified only down to 70 % (ISO 80601-2-61; FDA 2013 pulse-oximeter guidance); readings below 50 % lie outside any validated range and are typically low-perfusion or motion artefacts.',
  },
  bodyTemperature: {
    min: 25,
    max: 45,
    unit: 'Cel',
    rationale:
      'Below 25 °C is deep accidental hypothermia (Swiss staging III–IV, Durrer B et al., High Alt Med Biol 2003;4:99) and above 45 °C is rarely survived; outside this band a probe off the body or a Fahrenheit value is the likely cause.',
  },
  systolicBp: {
    min: 40,
    max: 300,
    unit: 'mm[Hg]',
    rationale:
      'Outside the measuring range of non-invasive cuffs; a systolic below 40 mmHg is peri-arrest and would be measured invasively.',
  },
  diastolicBp: {
    min: 20,
    max: 200,
    unit: 'mm[Hg]',
    rationale:
      'Outside the measuring range of non-invasive cuffs; a diastolic above 200 mmHg or below 20 mmHg is almost always a cuff or transcription error.',
  },
  bloodGlucoseMass: {
    min: 10,
    max: 1500,
    unit: 'mg/dL',
    rationale:
      'Laboratory glucose can exceed 1000 mg/dL in hyperosmolar states but not 1500; below 10 mg/dL is incompatible with consciousness and usually a haemolysed or delayed sample.',
  },
  cgmGlucoseMass: {
    min: 40,
    max: 500,
    unit: 'mg/dL',
    rationale:
      'The reporting range of current CGM sensors (Dexcom G6/G7 40–400 mg/dL, FreeStyle Libre 40–500 mg/dL); beyond it devices report LOW/HIGH rather than a number.',
  },
  bodyWeight: {
    min: 0.3,
    max: 650,
    unit: 'kg',
    rationale: 'From extremely preterm infants (≈0.3 kg) to the heaviest recorded humans (≈635 kg).',
  },
  bodyHeight: {
    min: 20,
    max: 275,
    unit: 'cm',
    rationale: 'From extremely preterm infants to the tallest recorded human (272 cm).',
  },
};

export type PlausibilityCheck = { readonly plausible: true } | { readonly plausible: false; readonly reason: string };

/**
 * Whether `value` (in UCUM `unit`) is plausible for the vital sign; converts to the range's unit
 * first (so 98.6 [degF] passes and 98.6 Cel does not). Codes without a range are always plausible.
 * Throws `VT_ERR_NOT_SUPPORTED` when the unit cannot be converted.
 */
export function checkPlausibility(key: VitalSignKey, value: number, unit: string): PlausibilityCheck {
  const range = plausibleRanges[key] ?? plausibleRanges[molarTwin(key)];
  if (!range) return { plausible: true };
  const v = convertUcum(value, unit, range.unit);
  if (Number.isFinite(v) && v >= range.min && v <= range.max) return { plausible: true };
  return {
    plausible: false,
    reason: `${vitalSignCodes[key].label} ${formatValue(v)} ${range.unit} is outside the plausible range ${range.min}–${range.max} ${range.unit} (artefact or wrong unit?)`,
  };
}

/** Molar glucose codes share the range of their mass twin (the range is converted). */
function molarTwin(key: VitalSignKey): VitalSignKey {
  if (key === 'bloodGlucoseMolar') return 'bloodGlucoseMass';
  if (key === 'cgmGlucoseMolar') return 'cgmGlucoseMass';
  return key;
}

function formatValue(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : String(v);
}
