/**
 * Open mHealth (IEEE 1752.1) unit names are not UCUM (clinical-references.md, "Open mHealth"):
 * its schemas write `beats/min`, `mmHg`, `C`/`F`, so every OMH unit–value pair is mapped to UCUM at
 * ingest, before it reaches a FHIR Observation. Units that are already valid UCUM map to themselves.
 */
const omhToUcumTable: Readonly<Record<string, string>> = {
  // heart-rate, respiratory-rate
  'beats/min': '/min',
  'breaths/min': '/min',
  // blood-pressure
  mmHg: 'mm[Hg]',
  kPa: 'kPa',
  // body-temperature
  C: 'Cel',
  F: '[degF]',
  K: 'K',
  // blood-glucose
  'mg/dL': 'mg/dL',
  'mmol/L': 'mmol/L',
  // oxygen-saturation, body-fat-percentage
  '%': '%',
  // body-weight, body-height
  kg: 'kg',
  g: 'g',
  lb: '[lb_av]',
  cm: 'cm',
  m: 'm',
  in: '[in_i]',
  // step-count
  steps: '{steps}',
};

/** UCUM code for an Open mHealth unit name; undefined when the name is not one this project maps. */
export function omhUnitToUcum(omhUnit: string): string | undefined {
  return omhToUcumTable[omhUnit];
}

/** The Open mHealth unit names that `omhUnitToUcum` knows. */
export const omhUnitNames: readonly string[] = Object.keys(omhToUcumTable);
