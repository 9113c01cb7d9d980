import type { ProblemDetail } from '../errors/error-codes.ts';
import { plausibleGlucoseMgDl } from './cgm-glucose-value.ts';
import { type CgmReading, type CgmReadingFlag, type GlucoseUnit, mgDlPerMmolL } from './cgm-reading.ts';
import { parseCgmTimestamp } from './cgm-timestamp.ts';

/**
 * Sensor readings from an HL7 CGM IG (hl7.fhir.uv.cgm 1.0.0) data-submission Bundle, the body of
 * `POST [base]/$submit-cgm-bundle`. Readings are Observations coded LOINC 99504-3 (mg/dL,
 * CGMSensorReadingMassPerVolume) or 105272-9 (mmol/L, CGMSensorReadingMolesPerVolume) with
 * `effectiveDateTime` and `valueQuantity`. Other entries (summary Observations, DiagnosticReport,
 * Device) are not readings and are passed over.
 *
 * Rules: the UCUM unit code (`mg/dL`, `mmol/L`) decides the unit, the LOINC code is the fallback;
 * the subject is `subject.reference` (else `subject.identifier.value`); an effectiveDateTime with a
 * time must carry a zone (FHIR R4 dateTime). A comparator marks an out-of-range reading, as the
 * Clarity `Low`/`High` words do: `<40 mg/dL` becomes 39 flagged low, `>400` becomes 401 flagged high
 * (`<=`/`>=` keep the value). Readings with `dataAbsentReason` or status `entered-in-error` /
 * `cancelled` are skipped with a warning. Every problem names its FHIRPath location.
 */
export const cgmReadingLoinc = { massPerVolume: '99504-3', molesPerVolume: '105272-9' } as const;

const loincSystem = 'http://loinc.org';

export interface CgmBundleImportResult {
  readonly readings: CgmReading[];
  readonly problems: ProblemDetail[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readingsFromCgmBundle(bundle: unknown): CgmBundleImportResult {
  const readings: CgmReading[] = [];
  const problems: ProblemDetail[] = [];
  if (!isObject(bundle) || bundle['resourceType'] !== 'Bundle') {
    problems.push({ message: 'expected a FHIR Bundle', expression: 'Bundle', severity: 'error' });
    return { readings, problems };
  }
  const entries = bundle['entry'];
  if (entries === undefined) return { readings, problems };
  if (!Array.isArray(entries)) {
    problems.push({ message: 'Bundle.entry must be an array', expression: 'Bundle.entry', severity: 'error' });
    return { readings, problems };
  }
  entries.forEach((entry: unknown, i: number) => {
    const at = `Bundle.entry[${i}].resource`;
    const resource = isObject(entry) ? entry['resource'] : undefined;
    if (!isObject(resource) || resource['resourceType'] !== 'Observation') return;
    const loinc = readingLoinc(resource['code']);
    if (loinc === undefined) return;
    const reading = toReading(resource, loinc, at, problems);
    if (reading) readings.push(reading);
  });
  return { readings, problems };
}

function readingLoinc(code: unknown): GlucoseUnit | undefined {
  if (!isObject(code) || !Array.isArray(code['coding'])) return undefined;
  for (const c of code['coding'] as unknown[]) {
    if (!isObject(c) || c['system'] !== loincSystem) continue;
    if (c['code'] === cgmReadingLoinc.massPerVolume) return 'mg/dL';
    if (c['code'] === cgmReadingLoinc.molesPerVolume) return 'mmol/L';
  }
  return undefined;
}

function toReading(obs: Json, loincUnit: GlucoseUnit, at: string, problems: ProblemDetail[]): CgmReading | undefined {
  const error = (message: string, path: string): undefined => {
    problems.push({ message, expression: `${at}.${path}`, severity: 'error' });
    return undefined;
  };
  const status = obs['status'];
  if (status === 'entered-in-error' || status === 'cancelled') {
    problems.push({ message: `reading with status ${status} skipped`, expression: `${at}.status`, severity: 'warning' });
    return undefined;
  }
  if (obs['dataAbsentReason'] !== undefined) {
    problems.push({
      message: 'reading without a value (dataAbsentReason) skipped',
      expression: `${at}.dataAbsentReason`,
      severity: 'warning',
    });
    return undefined;
  }
  const subjectId = subjectOf(obs['subject']);
  if (subjectId === undefined) return error('a CGM reading needs subject.reference or subject.identifier.value', 'subject');
  const effective = obs['effectiveDateTime'];
  if (typeof effective !== 'string') return error('a CGM reading needs effectiveDateTime', 'effectiveDateTime');
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(effective)) {
    return error('effectiveDateTime must be a date-time with a time zone (FHIR R4 dateTime)', 'effectiveDateTime');
  }
  const timeMs = parseCgmTimestamp(effective);
  if (timeMs === undefined)
    return error(`effectiveDateTime ${JSON.stringify(effective.slice(0, 40))} is not a valid date-time`, 'effectiveDateTime');
  const q = obs['valueQuantity'];
  if (!isObject(q) || typeof q['value'] !== 'number' || !Number.isFinite(q['value'])) {
    return error('a CGM reading needs valueQuantity.value (a number)', 'valueQuantity.value');
  }
  const code = q['code'] ?? q['unit'];
  let unit: GlucoseUnit = loincUnit;
  if (code !== undefined) {
    const normalised = typeof code === 'string' ? code.toLowerCase() : '';
    if (normalised === 'mg/dl') unit = 'mg/dL';
    else if (normalised === 'mmol/l') unit = 'mmol/L';
    else return error(`unit ${JSON.stringify(String(code).slice(0, 20))} is neither mg/dL nor mmol/L`, 'valueQuantity.code');
  }
  const valueMgDl = unit === 'mmol/L' ? q['value'] * mgDlPerMmolL : q['value'];
  if (valueMgDl < plausibleGlucoseMgDl.min || valueMgDl > plausibleGlucoseMgDl.max) {
    return error(`glucose ${q['value']} ${unit} is outside the plausible range`, 'valueQuantity.value');
  }
  const comparator = q['comparator'];
  let flag: CgmReadingFlag | undefined;
  let glucoseMgDl = valueMgDl;
  switch (comparator) {
    case undefined:
      break;
    case '<':
      flag = 'low';
      glucoseMgDl = valueMgDl - 1;
      break;
    case '<=':
      flag = 'low';
      break;
    case '>':
      flag = 'high';
      glucoseMgDl = valueMgDl + 1;
      break;
    case '>=':
      flag = 'high';
      break;
    default:
      return error(`comparator ${JSON.stringify(String(comparator).slice(0, 5))} is not one of < <= >= >`, 'valueQuantity.comparator');
  }
  return flag ? { subjectId, timeMs, glucoseMgDl, flag } : { subjectId, timeMs, glucoseMgDl };
}

function subjectOf(subject: unknown): string | undefined {
  if (!isObject(subject)) return undefined;
  const ref = subject['reference'];
  if (typeof ref === 'string' && ref !== '') return ref;
  const identifier = subject['identifier'];
  if (isObject(identifier) && typeof identifier['value'] === 'string' && identifier['value'] !== '') return identifier['value'];
  return undefined;
}
