import { VitaltwinError } from '@vitaltwin/core';
import { searchAudit } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import { plainQuery } from '../routes/plain-query.ts';
import type { ServerContext } from '../server-context.ts';

/**
 * `GET /audit?patient=&actor=&action=&outcome=&since=&until=&_count=&before=`: the audit trail,
 * newest first, as a FHIR searchset Bundle of AuditEvents (ids are the trail's sequence numbers;
 * `before` pages back). Only scopes naming AuditEvent reach it (admin), see route-policies.ts.
 */
function time(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${name} must be an ISO 8601 date or date-time`);
  return ms;
}

function whole(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const outcomes: Readonly<Record<string, string>> = { success: '0', denied: '4', failed: '8', '0': '0', '4': '4', '8': '8' };

export async function auditRoutes(app: FastifyInstance, ctx: Pick<ServerContext, 'db'>): Promise<void> {
  app.get('/audit', async (request, reply) => {
    const q: Record<string, string | undefined> = plainQuery(request, [
      'patient',
      'actor',
      'action',
      'outcome',
      'since',
      'until',
      '_count',
      'before',
    ]);
    const outcome = q.outcome === undefined ? undefined : outcomes[q.outcome];
    if (q.outcome !== undefined && outcome === undefined)
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'outcome must be success, denied or failed');
    const sinceMs = time(q.since, 'since');
    const untilMs = time(q.until, 'until');
    const limit = whole(q._count, '_count', 1, 1000) ?? 100;
    const beforeSeq = whole(q.before, 'before', 1, Number.MAX_SAFE_INTEGER);
    const hits = await searchAudit(ctx.db, {
      ...(q.patient ? { patient: q.patient.replace(/^Patient\//, '') } : {}),
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(outcome ? { outcome } : {}),
      ...(sinceMs !== undefined ? { sinceMs } : {}),
      ...(untilMs !== undefined ? { untilMs } : {}),
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      limit,
    });
    const last = hits.at(-1);
    const next = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'before'));
    if (last) next.set('before', String(last.seq));
    reply.type('application/fhir+json');
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(hits.length === limit && last ? { link: [{ relation: 'next', url: `/audit?${next.toString()}` }] } : {}),
      entry: hits.map((h) => ({ fullUrl: `AuditEvent/${h.seq}`, resource: h.event, search: { mode: 'match' } })),
    };
  });
}
