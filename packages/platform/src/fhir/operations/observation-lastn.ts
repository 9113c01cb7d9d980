import type { Observation, Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import { deviceObservation, fromRawDeviceRow, loincSystem, type RawDeviceRow } from '../device-observations.ts';
import type { FhirStoreContext } from '../fhir-store-context.ts';
import type { SearchResult } from '../search-executor.ts';
import { storedBranch } from '../search-executor.ts';
import { searchModel } from '../search-parameter-registry.ts';
import { planSearch } from '../search-plan.ts';
import { parseSearchRequest } from '../search-request.ts';
import { parseTokenValue } from '../search-values.ts';
import { guarded } from '../storage-errors.ts';
import { presentable } from '../stored-json.ts';

/**
 * `Observation/$lastn` (FHIR R4 observation-operation-lastn): the most recent `max` Observations
 * (default 1) for each code, per patient, among those matching the other search parameters
 * (patient, subject, category, code, date ...). Stored Observations and device readings are merged;
 * an Observation's group is its first coding (system|code), recency is the end of its effective
 * time. Results come ordered by patient, code, then newest first.
 */
export async function observationLastN(store: FhirStoreContext, query: URLSearchParams): Promise<SearchResult> {
  const model = searchModel('Observation')!;
  const rest = new URLSearchParams();
  let max = 1;
  for (const [k, v] of query) {
    if (k === 'max') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new VitaltwinError('VT_ERR_INVALID_INPUT', `max must be a positive whole number, not "${v}"`);
      max = Math.min(n, 1000);
    } else rest.append(k, v);
  }
  const request = parseSearchRequest('Observation', rest);
  const nowMs = store.now();
  const plan = planSearch(model, request, { keys: store.keys, nowMs });
  if (plan.errors.length > 0)
    throw new VitaltwinError(
      'VT_ERR_INVALID_INPUT',
      'invalid $lastn',
      plan.errors.map((message) => ({ message })),
    );
  const p = plan.params;
  const dateKeys = p.add(
    model.params.get('date')!.branches.map((b) => store.keys.key(b.path)),
    'int[]',
  );
  const stored = storedBranch(plan.positive, plan.negative, plan.resourceFilters, () => p.add('Observation', 'text'));
  const limit = p.add(max, 'int');
  const sql = `SELECT z.content FROM (
      SELECT r.content, row_number() OVER (
          PARTITION BY r.patient_id, r.content #>> '{code,coding,0,system}', r.content #>> '{code,coding,0,code}'
          ORDER BY (SELECT max(hi) FROM fhir_date d WHERE d.rid = r.rid AND d.key = ANY(${dateKeys})) DESC NULLS LAST, r.rid DESC) AS n
        FROM fhir_resource r WHERE r.rid IN (${stored})) z WHERE z.n <= ${limit}`;
  return guarded(async () => {
    const rows = await store.db.query<{ content: Observation }>(sql, p.values);
    const observations: Observation[] = rows.map((r) => presentable(r.content));
    const warnings = [...plan.warnings];
    if (plan.patientId !== undefined) observations.push(...(await deviceLatest(store, plan.patientId, request.clauses, max)));
    else warnings.push('device readings are included in $lastn only for one patient (add patient=...)');
    const grouped = latestPerGroup(observations, max);
    return {
      request: { ...request, count: grouped.length, offset: 0 },
      total: grouped.length,
      matches: grouped,
      included: [],
      warnings,
      hasNext: false,
    };
  });
}

/** The newest `max` readings per code for one patient, restricted to the clause's codes when given. */
async function deviceLatest(
  store: FhirStoreContext,
  patientId: string,
  clauses: ReturnType<typeof parseSearchRequest>['clauses'],
  max: number,
): Promise<Observation[]> {
  const codes = clauses
    .filter((c) => c.code === 'code')
    .flatMap((c) => c.values.map(parseTokenValue))
    .filter((t) => t !== undefined && (t.system === undefined || t.system === loincSystem) && t.code !== undefined)
    .map((t) => t!.code!);
  const other = clauses.filter((c) => !['patient', 'subject', 'code', 'category'].includes(c.code));
  if (other.length > 0) return [];
  const rows = await store.db.query<RawDeviceRow>(
    `SELECT s.patient_id, s.code, r.* FROM reading_series s
       CROSS JOIN LATERAL (
         SELECT t, value, unit, device_id, received_at FROM reading_point WHERE series = s.id ORDER BY t DESC LIMIT $2) r
      WHERE s.patient_id = $1${codes.length > 0 ? ' AND s.code = ANY($3::text[])' : ''}`,
    codes.length > 0 ? [patientId, max, codes] : [patientId, max],
  );
  const categories = clauses.filter((c) => c.code === 'category').flatMap((c) => c.values.map((v) => parseTokenValue(v)?.code));
  return rows
    .map((r) => deviceObservation(fromRawDeviceRow(r)))
    .filter((o) => categories.length === 0 || o.category?.some((cat) => cat.coding?.some((c) => categories.includes(c.code))));
}

function groupKey(o: Observation): string {
  const c = o.code?.coding?.[0];
  return `${o.subject?.reference ?? ''}\u0000${c?.system ?? ''}|${c?.code ?? o.code?.text ?? ''}`;
}

function effectiveEnd(o: Observation): number {
  const text = o.effectiveDateTime ?? o.effectiveInstant ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start;
  const t = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

function latestPerGroup(observations: readonly Observation[], max: number): Resource[] {
  const groups = new Map<string, Observation[]>();
  for (const o of observations) {
    const k = groupKey(o);
    const list = groups.get(k);
    if (list) list.push(o);
    else groups.set(k, [o]);
  }
  const out: Resource[] = [];
  for (const k of [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = groups.get(k)!.sort((a, b) => effectiveEnd(b) - effectiveEnd(a));
    out.push(...list.slice(0, max));
  }
  return out;
}
