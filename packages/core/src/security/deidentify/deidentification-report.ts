/**
 * What de-identification removed or replaced, counted per kind, so an export can show that every
 * HIPAA Safe Harbor identifier category present in the data was handled (45 CFR 164.514(b)(2)(i)).
 */
export const deidentifiedKinds = [
  'name',
  'address',
  'postalCode',
  'restrictedZip3',
  'geolocation',
  'organizationName',
  'telecom',
  'identifier',
  'deviceIdentifier',
  'resourceId',
  'reference',
  'referenceDisplay',
  'date',
  'birthDate',
  'ageOver89',
  'narrative',
  'note',
  'freeText',
  'attachment',
  'photo',
  'extension',
  'networkAddress',
  'metaSource',
] as const;

export type DeidentifiedKind = (typeof deidentifiedKinds)[number];

export type DeidentificationReport = Record<DeidentifiedKind, number>;

export function emptyReport(): DeidentificationReport {
  const r = {} as DeidentificationReport;
  for (const k of deidentifiedKinds) r[k] = 0;
  return r;
}

/** Adds `from` into `into` (mutates and returns `into`). */
export function addReport(into: DeidentificationReport, from: Readonly<DeidentificationReport>): DeidentificationReport {
  for (const k of deidentifiedKinds) into[k] += from[k];
  return into;
}
