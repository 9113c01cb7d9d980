import { type AlertKind, type AlertStatus, VitaltwinError } from '@vitaltwin/core';
import { type AlertQuery, alertKinds, alertStatuses, alertView, isAlertKind, isAlertStatus } from '@vitaltwin/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authOf } from '../auth/request-auth.ts';
import type { ServerContext } from '../server-context.ts';
import { plainQuery } from './plain-query.ts';

/**
 * The alert API (alerts are raised by the monitoring runtime, platform monitoring/):
 * - `GET /alerts?patient=ID[,ID]&status=open[,acknowledged]&kind=news2[,..]&since=ISO&_count=N`:
 *   newest opened first; `since` keeps alerts changed at or after that instant; `next` pages on.
 * - `GET /alerts/{id}`.
 * - `POST /alerts/{id}/acknowledge` and `POST /alerts/{id}/resolve` with an optional JSON body
 *   `{"by": "...", "note": "..."}`: who is the authenticated user when auth is on, else `by`
 *   (default `local`). 404 for an unknown alert, 409 when it is already acknowledged / resolved,
 *   both as OperationOutcome.
 */
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;

const actionBody = z
  .object({
    by: z.string().trim().min(1, 'by must not be empty').max(128, 'by must be at most 128 characters').optional(),
    note: z.string().max(2000, 'note must be at most 2000 characters').optional(),
  })
  .strict();

interface ListQuery {
  patient?: string;
  status?: string;
  kind?: string;
  since?: string;
  _count?: string;
  _before?: string;
}

const list = (v: string | undefined) =>
  v
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function invalid(message: string, expression: string): VitaltwinError {
  return new VitaltwinError('VT_ERR_INVALID_INPUT', message, [{ message, expression }]);
}

function parseQuery(q: ListQuery): AlertQuery {
  const patients = list(q.patient)?.map((p) => p.replace(/^Patient\//, ''));
  if (patients?.some((p) => !fhirId.test(p))) throw invalid('patient must be Patient ids separated by commas', 'patient');
  const statuses = list(q.status);
  if (statuses?.some((s) => !isAlertStatus(s))) throw invalid(`status must be among ${alertStatuses.join(', ')}`, 'status');
  const kinds = list(q.kind);
  if (kinds?.some((k) => !isAlertKind(k))) throw invalid(`kind must be among ${alertKinds.join(', ')}`, 'kind');
  const since = q.since === undefined ? undefined : Date.parse(q.since);
  if (since !== undefined && (Number.isNaN(since) || !/^\d{4}-\d{2}-\d{2}(T.+(Z|[+-]\d{2}:\d{2}))?$/.test(q.since ?? ''))) {
    throw invalid('since must be an ISO 8601 date or date-time with a time zone', 'since');
  }
  const count = q._count === undefined ? 50 : Number(q._count);
  if (!Number.isInteger(count) || count < 1 || count > 500) throw invalid('_count must be a whole number from 1 to 500', '_count');
  let before: AlertQuery['before'];
  if (q._before !== undefined) {
    const m = /^(\d{1,15})~(.{1,64})$/.exec(q._before);
    if (!m) throw invalid('_before is not a cursor from a previous page', '_before');
    before = { openedAtMs: Number(m[1]), id: m[2] as string };
  }
  return {
    ...(patients && patients.length > 0 ? { patientIds: patients } : {}),
    ...(statuses && statuses.length > 0 ? { statuses: statuses as AlertStatus[] } : {}),
    ...(kinds && kinds.length > 0 ? { kinds: kinds as AlertKind[] } : {}),
    ...(since !== undefined ? { changedSinceMs: since } : {}),
    ...(before ? { before } : {}),
    limit: count,
  };
}

/** Who acts: the authenticated caller when there is one, else the `by` of the body. */
function actor(request: FastifyRequest, by: string | undefined): string {
  const subject = authOf(request)?.subject;
  if (subject && subject.id !== 'local') return subject.id;
  return by ?? subject?.id ?? 'local';
}

export async function alertRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/alerts', async (request) => {
    const raw = plainQuery(request, ['patient', 'status', 'kind', 'since', '_count', '_before']);
    const query = parseQuery(raw);
    const alerts = await ctx.monitoring.alerts.list(query);
    const last = alerts.at(-1);
    const next =
      last !== undefined && alerts.length === query.limit
        ? (() => {
            const params = new URLSearchParams(
              Object.entries(raw).filter(([k, v]) => k !== '_before' && typeof v === 'string') as [string, string][],
            );
            params.set('_before', `${last.openedAtMs}~${last.id}`);
            return `/alerts?${params.toString()}`;
          })()
        : undefined;
    return { alerts: alerts.map(alertView), ...(next ? { next } : {}) };
  });

  app.get<{ Params: { id: string } }>('/alerts/:id', async (request) => {
    const alert = await ctx.monitoring.alerts.get(request.params.id);
    if (alert === undefined) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no alert ${request.params.id}`);
    return alertView(alert);
  });

  for (const action of ['acknowledge', 'resolve'] as const) {
    app.post<{ Params: { id: string } }>(`/alerts/:id/${action}`, async (request) => {
      const parsed = actionBody.safeParse(request.body ?? {});
      if (!parsed.success) {
        throw new VitaltwinError(
          'VT_ERR_INVALID_INPUT',
          'invalid body: send {"by": "...", "note": "..."} (both optional)',
          parsed.error.issues.map((i) => ({ message: i.message, expression: i.path.join('.') || 'body' })),
        );
      }
      const by = actor(request, parsed.data.by);
      const alerts = ctx.monitoring.alerts;
      const change =
        action === 'acknowledge'
          ? await alerts.acknowledge(request.params.id, by, Date.now(), parsed.data.note)
          : await alerts.resolve(request.params.id, by, Date.now(), parsed.data.note);
      return alertView(change.alert);
    });
  }

  // A Subscription written through the FHIR API takes effect at once rather than at the next refresh.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 300 || request.method === 'GET' || request.method === 'HEAD') return;
    const path = request.url.split('?')[0] ?? '';
    if (/^\/fhir\/Subscription(\/[A-Za-z0-9\-.]{1,64})?\/?$/.test(path) || path === '/fhir' || path === '/fhir/') {
      await ctx.monitoring.subscriptions
        .refresh()
        .catch((error: unknown) => request.log.warn({ err: error }, 'refreshing Subscriptions failed'));
    }
  });
}
