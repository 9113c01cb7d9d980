import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import { parseDateRange, timestampLiteral } from '../date-range.ts';
import { deviceColumns, deviceObservation, fromRawDeviceRow, type RawDeviceRow } from '../device-observations.ts';
import type { FhirStoreContext } from '../fhir-store-context.ts';
import { parseSince, sinceProblem } from '../history-request.ts';
import type { SearchResult } from '../search-executor.ts';
import { fhirResourceTypes, searchModel } from '../search-parameter-registry.ts';
import { parseSearchRequest } from '../search-request.ts';
import { SqlParams } from '../sql-params.ts';
import { guarded } from '../storage-errors.ts';
import { presentable } from '../stored-json.ts';
import { careDatePaths } from './care-dates.ts';

/**
 * `Patient/{id}/$everything` (FHIR R4 patient-operation-everything): the patient, every resource
 * in the patient's compartment (CompartmentDefinition patient: any compartment parameter naming the
 * patient), the resources those reference (practitioners, organizations, medications ...), and
 * the patient's device readings as Observations. Paged with `_count`/`_offset`; `_type` limits the
 * resource types, `_since` to what changed at or after an instant (a stored resource's
 * lastUpdated, a reading's receipt), and `start`/`end` to the care provided in a date range
 * (care-dates.ts): a compartment resource whose care date overlaps [start, end] (both days
 * inclusive, either open), a reading taken in it. Compartment resources without a care date (the
 * Patient, Coverage, a Condition recorded without onset) are kept, since nothing dates them
 * outside the range; the resources they and the kept ones reference come along.
 */
const keysByStore = new WeakMap<object, { compartment: number[]; careDates: number[] }>();

export async function patientEverything(store: FhirStoreContext, patientId: string, query: URLSearchParams): Promise<SearchResult> {
  const request = parseSearchRequest('Patient', query);
  const warnings: string[] = [];
  const problems = [...request.problems];
  let types: string[] | undefined;
  let sinceMs: number | undefined;
  const care = { loMs: -Infinity, hiMs: Infinity };
  for (const clause of request.clauses) {
    if (clause.code === '_type') {
      types = clause.values.flatMap((v) => v.split(','));
      for (const t of types) if (searchModel(t) === undefined) problems.push(`_type: ${t} is not a FHIR R4 resource type`);
    } else if (clause.code === '_since' && clause.modifier === undefined && clause.values.length === 1) {
      // Resources changed since the instant (operation definition: _since, an instant).
      sinceMs = parseSince(clause.values[0]!);
      if (sinceMs === undefined) problems.push(sinceProblem(clause.values[0]!));
    } else if ((clause.code === 'start' || clause.code === 'end') && clause.modifier === undefined && clause.values.length === 1) {
      // Care dates (operation definition: start, end, both of type date); the end day is included.
      const range = parseDateRange(clause.values[0]!);
      if (range === undefined) problems.push(`${clause.code}: ${clause.values[0]} is not a FHIR date`);
      else if (clause.code === 'start') care.loMs = range.loMs;
      else care.hiMs = range.hiMs;
    } else warnings.push(`$everything parameter ${clause.code} is not supported; it was ignored`);
  }
  if (care.loMs >= care.hiMs) problems.push('start is after end');
  if (problems.length > 0)
    throw new VitaltwinError(
      'VT_ERR_INVALID_INPUT',
      'invalid $everything request',
      problems.map((message) => ({ message })),
    );
  let keys = keysByStore.get(store.keys);
  if (!keys) {
    keys = {
      compartment: fhirResourceTypes().flatMap((t) => (searchModel(t)?.compartment ?? []).map((b) => store.keys.key(b.path))),
      careDates: careDatePaths(fhirResourceTypes()).map((path) => store.keys.key(path)),
    };
    keysByStore.set(store.keys, keys);
  }
  const { compartment, careDates } = keys;
  const dated = care.loMs > -Infinity || care.hiMs < Infinity;
  return guarded(async () => {
    const exists = await store.db.query('SELECT 1 FROM fhir_resource WHERE resource_type = $1 AND id = $2 AND NOT deleted', [
      'Patient',
      patientId,
    ]);
    if (exists.length === 0) throw new VitaltwinError('VT_ERR_NOT_FOUND', `Patient/${patientId} not found`);
    const p = new SqlParams();
    const pid = p.add(patientId, 'text');
    const storedFilter = `${types ? ` AND r.resource_type = ANY(${p.add(types, 'text[]')})` : ''}${
      sinceMs !== undefined ? ` AND r.last_updated >= ${p.add(timestampLiteral(sinceMs), 'timestamptz')}` : ''
    }`;
    const compartmentRids = `SELECT r.rid FROM fhir_resource r WHERE r.patient_id = ${pid} AND NOT r.deleted
      UNION SELECT x.rid FROM fhir_reference x WHERE x.key = ANY(${p.add(compartment, 'int[]')}) AND x.target_type = 'Patient' AND x.target_id = ${pid}`;
    const window = dated
      ? { lo: p.add(timestampLiteral(care.loMs), 'timestamptz'), hi: p.add(timestampLiteral(care.hiMs), 'timestamptz') }
      : undefined;
    const careKeys = window ? p.add(careDates, 'int[]') : '';
    // Overlap of half-open ranges [d.lo, d.hi) and [start, end + 1 day) (date-range.ts).
    const members = window
      ? `SELECT c.rid FROM (${compartmentRids}) c WHERE NOT EXISTS (SELECT 1 FROM fhir_date d WHERE d.rid = c.rid AND d.key = ANY(${careKeys}))
           OR EXISTS (SELECT 1 FROM fhir_date d WHERE d.rid = c.rid AND d.key = ANY(${careKeys}) AND d.lo < ${window.hi} AND d.hi > ${window.lo})`
      : compartmentRids;
    const stored = `SELECT DISTINCT r.rid, r.resource_type FROM fhir_resource r WHERE NOT r.deleted${storedFilter} AND r.rid IN (
        ${members}
        UNION SELECT t.rid FROM fhir_reference x JOIN fhir_resource t ON t.resource_type = x.target_type AND t.id = x.target_id
         WHERE x.rid IN (${members}))`;
    const withDevices = !types || types.includes('Observation');
    const m = `WITH m AS (
        SELECT 0 AS src, s.rid, CASE WHEN s.resource_type = 'Patient' THEN 0 ELSE 1 END AS first, s.resource_type,
               NULL::text AS patient_id, NULL::text AS code, NULL::timestamptz AS t, NULL::float8 AS value, NULL::text AS unit,
               NULL::text AS device_id, NULL::timestamptz AS received_at FROM (${stored}) s
        ${withDevices ? `UNION ALL SELECT 1, NULL::bigint, 2, 'Observation', ${deviceColumns} FROM device_reading WHERE patient_id = ${pid}${sinceMs !== undefined ? ` AND received_at >= ${p.add(timestampLiteral(sinceMs), 'timestamptz')}` : ''}${window ? ` AND t >= ${window.lo} AND t < ${window.hi}` : ''}` : ''})`;
    const order = 'first, resource_type, rid, t, code, device_id';
    const rows = await store.db.query<Partial<RawDeviceRow> & { total: number; src: number | null; content: Resource | null }>(
      `${m} SELECT t.total, p.*, r.content FROM (SELECT count(*)::int AS total FROM m) t
         LEFT JOIN LATERAL (SELECT * FROM m ORDER BY ${order} LIMIT ${p.add(request.count, 'int')} OFFSET ${p.add(request.offset, 'int')}) p ON true
         LEFT JOIN fhir_resource r ON r.rid = p.rid ORDER BY ${order
           .split(', ')
           .map((c) => `p.${c}`)
           .join(', ')}`,
      p.values,
    );
    const total = Number(rows[0]?.total ?? 0);
    const matches: Resource[] = [];
    for (const row of rows) {
      if (row.src === 0 && row.content) matches.push(presentable(row.content));
      else if (row.src === 1) matches.push(deviceObservation(fromRawDeviceRow(row as RawDeviceRow)));
    }
    return { request, total, matches, included: [], warnings, hasNext: request.offset + request.count < total };
  });
}
