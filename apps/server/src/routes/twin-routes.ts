import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { GlucoseTwinService } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { plainQuery } from './plain-query.ts';

type Query = { horizons?: string; members?: string; seed?: string };

function integerIn(value: unknown, name: string, min: number, max: number, problems: ProblemDetail[]): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    problems.push({ message: `must be an integer in [${min}, ${max}]`, expression: name });
    return undefined;
  }
  return n;
}

function parseForecastQuery(query: Query): { horizonsMin?: number[]; members?: number; seed?: number } {
  const problems: ProblemDetail[] = [];
  let horizonsMin: number[] | undefined;
  if (query.horizons !== undefined) {
    horizonsMin = query.horizons.split(',').map((s) => Number(s.trim()));
    if (horizonsMin.length === 0 || horizonsMin.length > 12 || horizonsMin.some((h) => !Number.isInteger(h) || h < 1 || h > 720)) {
      problems.push({ message: 'must be 1 to 12 comma-separated whole minutes in [1, 720]', expression: 'horizons' });
    }
  }
  const members = integerIn(query.members, 'members', 10, 2000, problems);
  const seed = integerIn(query.seed, 'seed', 0, Number.MAX_SAFE_INTEGER, problems);
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid forecast request', problems);
  return {
    ...(horizonsMin ? { horizonsMin } : {}),
    ...(members !== undefined ? { members } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}

function parseSimulateBody(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'body must be a JSON object {"options": [...], "horizonMin", "members", "seed"}');
  }
  const b = body as Record<string, unknown>;
  const problems: ProblemDetail[] = [];
  for (const k of Object.keys(b)) {
    if (!['options', 'horizonMin', 'members', 'seed', 'includeBaseline'].includes(k)) {
      problems.push({ message: 'unknown property (allowed: options, horizonMin, members, seed, includeBaseline)', expression: k });
    }
  }
  if (b['options'] === undefined) problems.push({ message: 'is required', expression: 'options' });
  const horizonMin = integerIn(b['horizonMin'], 'horizonMin', 5, 1440, problems);
  const members = integerIn(b['members'], 'members', 10, 2000, problems);
  const seed = integerIn(b['seed'], 'seed', 0, Number.MAX_SAFE_INTEGER, problems);
  const includeBaseline = b['includeBaseline'];
  if (includeBaseline !== undefined && typeof includeBaseline !== 'boolean')
    problems.push({ message: 'must be a boolean', expression: 'includeBaseline' });
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid simulate request', problems);
  return {
    options: b['options'],
    ...(horizonMin !== undefined ? { horizonMin } : {}),
    ...(members !== undefined ? { members } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(typeof includeBaseline === 'boolean' ? { includeBaseline } : {}),
  };
}

/**
 * The glucose twin over HTTP (platform twin/glucose-twin.ts):
 * - `GET /twins/{patientId}/glucose/forecast?horizons=30,60,120&members=100&seed=1` → CGM forecast
 *   from the latest reading: per horizon the ensemble mean, median and 80 %/95 % intervals, plus the
 *   twin's current estimate (personal parameters, effective ISF) and provenance;
 * - `POST /twins/{patientId}/simulate` with `{"options": [{"label": "bolus 4 U now", "boluses":
 *   [{"inMin": 0, "units": 4}]}, ...], "horizonMin": 240, "members": 100, "seed": 1}` → per option
 *   plasma-glucose bands (5/25/50/75/95 % every 5 min) and hypo/hyper risks, plus provenance.
 * CGM comes from `device_reading` (LOINC 99504-3 / 105272-9), treatments from the FHIR store. Bad
 * input → 400 OperationOutcome with the JSON path of each problem; no CGM → 404.
 */
export async function twinRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  let service: GlucoseTwinService | undefined;
  const twins = (): GlucoseTwinService => {
    service ??= new GlucoseTwinService({ db: ctx.db });
    return service;
  };

  app.get<{ Params: { patientId: string } }>('/twins/:patientId/glucose/forecast', async (request) => {
    return twins().forecast(request.params.patientId, parseForecastQuery(plainQuery(request, ['horizons', 'members', 'seed'])));
  });

  app.post<{ Params: { patientId: string } }>('/twins/:patientId/simulate', async (request) => {
    return twins().simulate(request.params.patientId, parseSimulateBody(request.body));
  });
}
