import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { readingSeries, wardSummary } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { plainQuery } from './plain-query.ts';

/**
 * Read models for the clinician web app, under the twins family (policy: Twin; the list takes
 * `?patient=`, an item's patient is its path segment):
 * - `GET /twins?patient=ID[,ID]&_count=N` → the ward: each patient's latest vitals, NEWS2 now,
 *   recent CGM and alert counts (platform monitoring/ward-summary.ts), one round trip per part;
 * - `GET /twins/{patientId}/series?code=C[,C]&from=ISO&to=ISO&maxPoints=N` → device readings in
 *   columns for charts, bucket-averaged past `maxPoints` (platform store/reading-series.ts).
 */
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;
const codePattern = /^[A-Za-z0-9\-.]{1,32}$/;
const maxRangeMs = 400 * 86_400_000;

function invalid(problems: ProblemDetail[]): VitaltwinError {
  return new VitaltwinError('VT_ERR_INVALID_INPUT', problems.map((p) => `${p.expression}: ${p.message}`).join('; '), problems);
}

const list = (v: string | undefined) =>
  v
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function instant(value: string | undefined, name: string, fallback: number, problems: ProblemDetail[]): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}(T.+(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    problems.push({ message: 'must be an ISO 8601 date or date-time with a time zone', expression: name });
  }
  return ms;
}

export async function wardRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/twins', async (request) => {
    const query = plainQuery(request, ['patient', '_count']);
    const problems: ProblemDetail[] = [];
    const patients = list(query.patient)?.map((p) => p.replace(/^Patient\//, ''));
    if (patients?.some((p) => !fhirId.test(p)))
      problems.push({ message: 'must be Patient ids separated by commas', expression: 'patient' });
    const count = query._count === undefined ? 1000 : Number(query._count);
    if (!Number.isInteger(count) || count < 1 || count > 5000)
      problems.push({ message: 'must be a whole number from 1 to 5000', expression: '_count' });
    if (problems.length > 0) throw invalid(problems);
    const nowMs = Date.now();
    const ward = await wardSummary(ctx.db, { nowMs, limit: count, ...(patients && patients.length > 0 ? { patientIds: patients } : {}) });
    return { generatedAt: new Date(nowMs).toISOString(), patients: ward };
  });

  app.get<{ Params: { patientId: string } }>('/twins/:patientId/series', async (request) => {
    const query = plainQuery(request, ['code', 'from', 'to', 'maxPoints']);
    const problems: ProblemDetail[] = [];
    const { patientId } = request.params;
    if (!fhirId.test(patientId)) problems.push({ message: 'must be a Patient id', expression: 'patientId' });
    const codes = list(query.code) ?? [];
    if (codes.length === 0 || codes.length > 20 || codes.some((c) => !codePattern.test(c))) {
      problems.push({ message: 'must be 1 to 20 reading codes separated by commas', expression: 'code' });
    }
    const nowMs = Date.now();
    const toMs = instant(query.to, 'to', nowMs + 60_000, problems);
    const fromMs = instant(query.from, 'from', toMs - 86_400_000, problems);
    if (problems.length === 0 && (!(fromMs < toMs) || toMs - fromMs > maxRangeMs)) {
      problems.push({ message: 'from must be before to, at most 400 days apart', expression: 'from' });
    }
    const maxPoints = query.maxPoints === undefined ? 5000 : Number(query.maxPoints);
    if (!Number.isInteger(maxPoints) || maxPoints < 10 || maxPoints > 20_000) {
      problems.push({ message: 'must be a whole number from 10 to 20000', expression: 'maxPoints' });
    }
    if (problems.length > 0) throw invalid(problems);
    const series = await readingSeries(ctx.db, { patientId, codes, fromMs, toMs, maxPoints });
    return { patientId, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), series };
  });
}
