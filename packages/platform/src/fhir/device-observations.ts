import { createHash } from 'node:crypto';
import type { Observation } from '@medplum/fhirtypes';
import type { SqlQueryable } from '../store/sql-client.ts';
import { chainedPatientIds, isChained } from './chained-search.ts';
import { parseDateRange, timestampLiteral } from './date-range.ts';
import { dateRangePredicate, lazyRange, numberPredicate } from './range-predicates.ts';
import { parseReferenceValue } from './search-conditions.ts';
import type { SearchPlan } from './search-plan.ts';
import { unescapeValue } from './search-request.ts';
import { type Prefix, parseQuantityValue, parseTokenValue, splitPrefix } from './search-values.ts';
import type { SqlParams } from './sql-params.ts';
import { ucumSystemUrl } from './ucum-canonical.ts';

/**
 * Device time series (table device_reading: one compact row per reading) seen through the FHIR API
 * as Observations, without storing a JSON document per reading. A reading becomes an Observation
 * with a stable id `dr-<time base36>-<16 hex of md5(patient|code|device)>`, status final, its LOINC
 * code and category, the patient as subject, effectiveDateTime, a UCUM valueQuantity and the device.
 * Searches add these rows to stored Observations when the search names one patient and every
 * clause is one readings can answer; otherwise they are left out, with a warning when that may
 * change the answer.
 */
export const loincSystem = 'http://loinc.org';
export const observationCategorySystem = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const deviceReadingTag = { system: 'https://vitaltwin.dev/fhir/CodeSystem/source', code: 'device-reading' } as const;

// FHIR R4 Vital Signs profile codes (vitalsigns StructureDefinition; clinical-references.md) and
// US Core pulse oximetry 59408-5. Glucose (lab 2339-0/15074-8, CGM IG 99504-3/105272-9) and HbA1c
// are laboratory; step count (LOINC 55423-8) is activity.
const vitalSigns = new Set([
  '85353-1',
  '9279-1',
  '8867-4',
  '2708-6',
  '59408-5',
  '8310-5',
  '8302-2',
  '9843-4',
  '29463-7',
  '39156-5',
  '85354-9',
  '8480-6',
  '8462-4',
]);
const laboratory = new Set(['2339-0', '15074-8', '99504-3', '105272-9', '4548-4']);

export function categoryForLoinc(code: string): string | undefined {
  if (vitalSigns.has(code)) return 'vital-signs';
  if (laboratory.has(code)) return 'laboratory';
  if (code === '55423-8') return 'activity';
  return undefined;
}

export interface DeviceReadingRow {
  readonly patientId: string;
  readonly code: string;
  readonly timeMs: number;
  readonly value: number;
  readonly unit: string;
  readonly deviceId: string;
  readonly receivedAtMs: number;
}

/** SQL computing the id's hash part from a device_reading row (same as seriesHash). */
const seriesHashSql = "left(md5(patient_id || '|' || code || '|' || device_id), 16)";

export function seriesHash(patientId: string, code: string, deviceId: string): string {
  return createHash('md5').update(`${patientId}|${code}|${deviceId}`).digest('hex').slice(0, 16);
}

export function deviceObservationId(r: Pick<DeviceReadingRow, 'patientId' | 'code' | 'timeMs' | 'deviceId'>): string {
  return `dr-${r.timeMs.toString(36)}-${seriesHash(r.patientId, r.code, r.deviceId)}`;
}

export function parseDeviceObservationId(id: string): { timeMs: number; hash: string } | undefined {
  const m = /^dr-([0-9a-z]{1,12})-([0-9a-f]{16})$/.exec(id);
  if (!m) return undefined;
  const timeMs = Number.parseInt(m[1]!, 36);
  // A Date holds at most ±8.64e15 ms (ECMA-262 §21.4.1.31); no reading lies beyond.
  return Number.isSafeInteger(timeMs) && timeMs <= 8.64e15 ? { timeMs, hash: m[2]! } : undefined;
}

export function deviceObservation(r: DeviceReadingRow): Observation {
  const category = categoryForLoinc(r.code);
  return {
    resourceType: 'Observation',
    id: deviceObservationId(r),
    meta: { versionId: '1', lastUpdated: new Date(r.receivedAtMs).toISOString(), tag: [{ ...deviceReadingTag }] },
    status: 'final',
    ...(category ? { category: [{ coding: [{ system: observationCategorySystem, code: category }] }] } : {}),
    code: { coding: [{ system: loincSystem, code: r.code }] },
    subject: { reference: `Patient/${r.patientId}` },
    effectiveDateTime: new Date(r.timeMs).toISOString(),
    valueQuantity: { value: r.value, unit: r.unit, system: ucumSystemUrl, code: r.unit },
    ...(r.deviceId ? { device: { reference: `Device/${r.deviceId}` } } : {}),
  };
}

/** Columns the search query selects from device_reading, in DeviceReadingRow order. */
export const deviceColumns = 'patient_id, code, t, value, unit, device_id, received_at';

export interface RawDeviceRow {
  patient_id: string;
  code: string;
  t: Date | string;
  value: number;
  unit: string;
  device_id: string;
  received_at: Date | string;
}

export function fromRawDeviceRow(r: RawDeviceRow): DeviceReadingRow {
  return {
    patientId: r.patient_id,
    code: r.code,
    timeMs: new Date(r.t).getTime(),
    value: Number(r.value),
    unit: r.unit,
    deviceId: r.device_id,
    receivedAtMs: new Date(r.received_at).getTime(),
  };
}

/**
 * A reading from `json_build_array(<deviceColumns>)::text`: timestamps as PostgreSQL writes them in
 * JSON (ISO 8601 with offset), the value as float8 text (shortest exact form).
 */
export function deviceRowOfJson(text: string): DeviceReadingRow {
  const [patient_id, code, t, value, unit, device_id, received_at] = JSON.parse(text) as [
    string,
    string,
    string,
    number,
    string,
    string,
    string,
  ];
  return fromRawDeviceRow({ patient_id, code, t, value, unit, device_id, received_at });
}

/** Reads one synthesised Observation by id, or undefined. */
export async function readDeviceObservation(db: SqlQueryable, id: string): Promise<Observation | undefined> {
  const parsed = parseDeviceObservationId(id);
  if (!parsed) return undefined;
  const rows = await db.query<RawDeviceRow>(
    `SELECT ${deviceColumns} FROM device_reading WHERE t = $1::timestamptz AND ${seriesHashSql} = $2`,
    [timestampLiteral(parsed.timeMs), parsed.hash],
  );
  return rows[0] ? deviceObservation(fromRawDeviceRow(rows[0])) : undefined;
}

export type DeviceFilter = { readonly where: string } | { readonly excluded: string | undefined };

/**
 * The WHERE clause that selects the readings matching a search on Observation, or why readings are
 * left out (undefined reason: they cannot match, no warning needed).
 */
export function deviceFilter(plan: SearchPlan, params: SqlParams, nowMs: number): DeviceFilter {
  if (plan.model.resourceType !== 'Observation') return { excluded: undefined };
  const mark = params.values.length;
  const excluded = (reason: string | undefined): DeviceFilter => {
    params.truncate(mark);
    return { excluded: reason };
  };
  const where: string[] = [];
  // A chain on the patient (`patient.identifier=...`) names the readings' patients by a set of ids.
  let patientSet = false;
  for (const clause of plan.request.clauses) {
    if (isChained(clause)) {
      const ids = chainedPatientIds({ params, keys: plan.keys, nowMs }, clause);
      if (ids === undefined) return excluded(`device readings are searched by chains on the patient only (${clause.raw})`);
      where.push(`patient_id IN (${ids})`);
      patientSet = true;
      continue;
    }
    if (clause.modifier !== undefined && clause.modifier !== 'Patient') {
      return excluded(`device readings are not searched with modifier :${clause.modifier}`);
    }
    const ors: string[] = [];
    for (const raw of clause.values) {
      const p = clauseValue(clause.code, raw, params, nowMs);
      if (p === undefined) return excluded(undefined);
      ors.push(p);
    }
    where.push(`(${ors.join(' OR ')})`);
  }
  // Readings could match; without one patient (or a chain selecting patients) the scan would cover every patient's series.
  if (plan.patientId !== undefined) where.unshift(`patient_id = ${params.add(plan.patientId, 'text')}`);
  else if (!patientSet) return excluded('device readings are searched only for one patient (add patient=...)');
  return { where: where.join(' AND ') };
}

/** One value of one clause as a predicate on device_reading; undefined when readings cannot match it. */
function clauseValue(code: string, raw: string, params: SqlParams, nowMs: number): string | undefined {
  switch (code) {
    case 'patient':
    case 'subject': {
      const t = parseReferenceValue(unescapeValue(raw));
      return t && (t.type === undefined || t.type === 'Patient') ? `patient_id = ${params.add(t.id, 'text')}` : undefined;
    }
    case 'code':
    case 'combo-code': {
      const t = parseTokenValue(raw);
      if (!t || (t.system !== undefined && t.system !== loincSystem)) return undefined;
      return t.code === undefined ? 'true' : `code = ${params.add(t.code, 'text')}`;
    }
    case 'category': {
      const t = parseTokenValue(raw);
      if (!t?.code || (t.system !== undefined && t.system !== observationCategorySystem)) return undefined;
      const codes = [...vitalSigns, ...laboratory, '55423-8'].filter((c) => categoryForLoinc(c) === t.code);
      return codes.length === 0 ? undefined : `code = ANY(${params.add(codes, 'text[]')})`;
    }
    case 'status':
      return parseTokenValue(raw)?.code === 'final' ? 'true' : undefined;
    case 'device': {
      const t = parseReferenceValue(unescapeValue(raw));
      return t && (t.type === undefined || t.type === 'Device') ? `device_id = ${params.add(t.id, 'text')}` : undefined;
    }
    case 'date':
    case '_lastUpdated': {
      const { prefix, rest } = splitPrefix(raw);
      const range = parseDateRange(rest);
      if (!range) return undefined;
      const col = code === 'date' ? 't' : 'received_at';
      const width = Math.abs(nowMs - range.loMs) * 0.1;
      const ts = (ms: number) => params.add(timestampLiteral(ms), 'timestamptz');
      const predicate = dateRangePredicate(
        prefix,
        col,
        `(${col} + interval '1 millisecond')`,
        lazyRange(
          () => ts(range.loMs),
          () => ts(range.hiMs),
        ),
        lazyRange(
          () => ts(range.loMs - width),
          () => ts(range.hiMs + width),
        ),
      );
      const bound = impliedInstantBound(prefix, col, range.loMs, range.hiMs, range.loMs - width, ts);
      return bound === undefined ? predicate : `(${predicate} AND ${bound})`;
    }
    case 'value-quantity':
    case 'combo-value-quantity': {
      const q = parseQuantityValue(raw);
      if (!q || (q.system !== undefined && q.system !== ucumSystemUrl)) return undefined;
      const width = Math.abs(q.number.value) * 0.1;
      const value = numberPredicate(
        q.prefix,
        'value',
        () => params.add(q.number.value, 'float8'),
        lazyRange(
          () => params.add(q.number.lo, 'float8'),
          () => params.add(q.number.hi, 'float8'),
        ),
        lazyRange(
          () => params.add(q.number.value - width, 'float8'),
          () => params.add(q.number.value + width, 'float8'),
        ),
      );
      return q.code === undefined ? value : `(${value} AND unit = ${params.add(q.code, 'text')})`;
    }
    // Readings carry one tag (deviceReadingTag) and no profile, security label or source.
    case '_tag': {
      const t = parseTokenValue(raw);
      if (!t || (t.system !== undefined && t.system !== deviceReadingTag.system)) return undefined;
      return t.code === undefined || t.code === deviceReadingTag.code ? 'true' : undefined;
    }
    case '_id': {
      const parsed = parseDeviceObservationId(parseTokenValue(raw)?.code ?? raw);
      if (!parsed) return undefined;
      return `(t = ${params.add(timestampLiteral(parsed.timeMs), 'timestamptz')} AND ${seriesHashSql} = ${params.add(parsed.hash, 'text')})`;
    }
    default:
      return undefined;
  }
}

/**
 * A reading is an instant t, the range [t, t + 1 ms) to the date predicates, which therefore
 * compare `t + 1 ms`: neither the index on (patient_id, code, t) nor partition pruning can use
 * that. This is the bound on t alone that each prefix's predicate implies (search range [lo, hi)),
 * added beside it; undefined where the predicate already bounds t itself (lt, sa) or nothing (ne).
 */
function impliedInstantBound(
  prefix: Prefix,
  col: string,
  loMs: number,
  hiMs: number,
  approxLoMs: number,
  ts: (ms: number) => string,
): string | undefined {
  switch (prefix) {
    // eq: t + 1 ms <= hi; le: t < lo, or t + 1 ms <= hi.
    case 'eq':
    case 'le':
      return `${col} < ${ts(hiMs)}`;
    // t + 1 ms > x  <=>  t > x - 1 ms
    case 'gt':
      return `${col} > ${ts(hiMs - 1)}`;
    case 'ge':
      return `${col} > ${ts(loMs - 1)}`;
    case 'ap':
      return `${col} > ${ts(approxLoMs - 1)}`;
    // t + 1 ms <= lo
    case 'eb':
      return `${col} < ${ts(loMs)}`;
    default:
      return undefined;
  }
}
