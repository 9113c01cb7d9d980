import {
  canConvert,
  checkPlausibility,
  convertUcum,
  omhUnitToUcum,
  type VitalSignCode,
  type VitalSignKey,
  vitalSignCodes,
  vitalSignKeyForLoinc,
} from '@vitaltwin/core';

/** A sample in the form it is stored: primary LOINC code, canonical UCUM unit, converted value. */
export interface CanonicalValue {
  readonly code: string;
  readonly value: number;
  readonly unit: string;
}

export type CatalogueVerdict =
  | { readonly ok: true; readonly reading: CanonicalValue }
  | { readonly ok: false; readonly reason: 'unknown-code' | 'wrong-unit' | 'implausible'; readonly detail: string };

/**
 * What device ingest needs to know about codes and units. The default is backed by
 * `@vitaltwin/core` (vital-sign-codes, ucum-convert, plausibility-ranges, omh-units); tests may pass
 * a small table instead.
 */
export interface ReadingCatalogue {
  /** Whether `code` is a LOINC code device ingest stores (used to pick among several codings). */
  isKnownCode(code: string): boolean;
  /** Checks code, unit and plausibility and converts to the stored form. */
  normalise(code: string, value: number, unit: string): CatalogueVerdict;
  /** UCUM for an Open mHealth unit name (`beats/min` → `/min`), undefined when unknown. */
  ucumForOmhUnit(omhUnit: string): string | undefined;
}

/**
 * Project rule: each quantity has one stored series. Alias codes are stored under the primary code
 * (SpO2 59408-5 → 2708-6), and molar glucose codes under their mass twin in mg/dL (15074-8 → 2339-0,
 * CGM 105272-9 → 99504-3), so the monitoring rules read one code per quantity.
 */
const storedAs: Readonly<Partial<Record<VitalSignKey, VitalSignKey>>> = {
  bloodGlucoseMolar: 'bloodGlucoseMass',
  cgmGlucoseMolar: 'cgmGlucoseMass',
};

/**
 * UCUM annotations (`{beats}/min`) do not change a unit's meaning (UCUM §4.5 "annotations"), so
 * they are removed before a unit is looked up; a unit that is only an annotation means `1`.
 */
function withoutAnnotations(unit: string): string {
  const stripped = unit.replace(/\{[^{}]*\}/g, '');
  return stripped === '' ? '1' : stripped;
}

/** The unit as this module's tables know it (as sent, or without annotations), if it converts to `canonical`. */
function acceptedUnit(spec: VitalSignCode, canonical: string, unit: string): string | undefined {
  for (const candidate of [unit, withoutAnnotations(unit)]) {
    if ((spec.units.includes(candidate) || candidate === canonical) && canConvert(candidate, canonical)) return candidate;
  }
  return undefined;
}

export const coreReadingCatalogue: ReadingCatalogue = {
  isKnownCode(code) {
    const key = vitalSignKeyForLoinc(code);
    return key !== undefined && vitalSignCodes[key].canonicalUnit !== null;
  },
  normalise(code, value, unit) {
    const key = vitalSignKeyForLoinc(code);
    if (key === undefined) return { ok: false, reason: 'unknown-code', detail: `LOINC ${code.slice(0, 32)} is not a device-ingest code` };
    const spec: VitalSignCode = vitalSignCodes[key];
    const targetKey = storedAs[key] ?? key;
    const target: VitalSignCode = vitalSignCodes[targetKey];
    if (target.canonicalUnit === null) {
      return { ok: false, reason: 'unknown-code', detail: `LOINC ${code} is a panel; send its members or components` };
    }
    const from = acceptedUnit(spec, target.canonicalUnit, unit);
    if (from === undefined) {
      return {
        ok: false,
        reason: 'wrong-unit',
        detail: `unit "${unit.slice(0, 32)}" is not accepted for ${spec.label} (${code}); use ${[...new Set([...spec.units, target.canonicalUnit])].join(', ')}`,
      };
    }
    const converted = convertUcum(value, from, target.canonicalUnit);
    const check = checkPlausibility(targetKey, converted, target.canonicalUnit);
    if (!check.plausible) return { ok: false, reason: 'implausible', detail: check.reason };
    return { ok: true, reading: { code: target.loinc, value: converted, unit: target.canonicalUnit } };
  },
  ucumForOmhUnit: omhUnitToUcum,
};
