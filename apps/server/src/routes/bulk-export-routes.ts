import { createReadStream } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usesIdentifyingParams, VitaltwinError } from '@vitaltwin/core';
import { BulkExportJobs, type BulkExportLevel, bulkExportManifest, parseBulkExportParams } from '@vitaltwin/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authOf } from '../auth/request-auth.ts';
import type { ServerContext } from '../server-context.ts';
import { fhirBaseUrl, informational, preferOf, queryOf } from './fhir-http.ts';

/**
 * FHIR Bulk Data export (Bulk Data Access IG 2.0, asynchronous request pattern):
 *   GET [base]/$export, [base]/Patient/$export, [base]/Group/[id]/$export with
 *       `Prefer: respond-async` -> 202 + Content-Location (the status URL)
 *   GET    [base]/$export-status/[job]        -> 202 + X-Progress while running, 200 + manifest when done
 *   DELETE [base]/$export-status/[job]        -> 202, the job stops and its files go
 *   GET    [base]/$export-output/[job]/[file] -> the NDJSON file
 * Jobs run in the background (bulk-export-jobs.ts); files are kept in the data directory (a
 * temporary directory on PostgreSQL) and deleted an hour after the job ends. Status and files
 * answer the caller who kicked the job off; a patient-context token exports its own compartment.
 */
const retentionMs = 60 * 60 * 1000;

export async function bulkExportRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const dir = ctx.config.databaseUrl ? await mkdtemp(join(tmpdir(), 'vitaltwin-export-')) : join(ctx.config.dataDir, 'bulk-export');
  const jobs = await BulkExportJobs.open(ctx.db, {
    dir,
    retentionMs,
    onJobError: (error) => app.log.error({ err: error }, 'bulk export failed'),
  });
  ctx.onShutdown(() => jobs.close());
  const requiresAccessToken = ctx.config.security.auth === 'on';
  const ownerOf = (request: FastifyRequest) => authOf(request)?.subject?.id ?? 'anonymous';
  const statusUrl = (request: FastifyRequest, id: string) => `${fhirBaseUrl(request)}/$export-status/${id}`;

  /**
   * `_typeFilter` searches planned on the FHIR search engine. A patient-context or de-identified
   * caller gets the limits its searches have (auth-hooks.ts, authorize.ts): no chains or `_has`,
   * and no selection by identifying elements.
   */
  const planTypeFilters = (request: FastifyRequest, filters: ReadonlyMap<string, readonly URLSearchParams[]>, lenient: boolean) => {
    const auth = authOf(request);
    const limited = auth?.patientId !== undefined || auth?.decision?.deidentify === true;
    const planned = new Map<string, { sql: string; params: readonly unknown[] }>();
    for (const [type, queries] of filters) {
      for (const query of queries) {
        const names = Object.fromEntries([...query.keys()].map((k) => [k, '']));
        const identifying = auth?.decision?.deidentify === true ? usesIdentifyingParams(names) : undefined;
        const chained = [...query.keys()].find((k) => k.includes('.') || k.startsWith('_has'));
        if (limited && (identifying !== undefined || chained !== undefined))
          throw new VitaltwinError(
            'VT_ERR_FORBIDDEN',
            `_typeFilter ${type}?${query.toString()} may not search by ${identifying ?? chained}`,
          );
      }
      const set = ctx.fhir.matchingSet(type, queries, { strict: !lenient });
      planned.set(type, { sql: set.sql, params: set.params });
    }
    return planned;
  };

  const kickoff = (level: BulkExportLevel) => async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
    const prefer = String(request.headers.prefer ?? '');
    if (!/(^|[,;\s])respond-async($|[,;\s])/.test(prefer)) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', '$export is asynchronous: send the header Prefer: respond-async');
    }
    const lenient = preferOf(request).handling === 'lenient';
    const params = parseBulkExportParams(queryOf(request), lenient);
    const own = authOf(request)?.patientId;
    const typeFilters = params.typeFilters ? planTypeFilters(request, params.typeFilters, lenient) : undefined;
    const id = await jobs.start({
      level,
      ...(request.params.id !== undefined ? { groupId: request.params.id } : {}),
      types: params.types,
      ...(params.sinceMs !== undefined ? { sinceMs: params.sinceMs } : {}),
      ...(typeFilters !== undefined ? { typeFilters } : {}),
      requestUrl: `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url}`,
      owner: ownerOf(request),
      ...(own !== undefined ? { onlyPatients: [own] } : {}),
    });
    reply.code(202).header('content-location', statusUrl(request, id)).type('application/fhir+json');
    return reply.send(JSON.stringify(informational(`export ${id} started; poll ${statusUrl(request, id)}`)));
  };

  app.get('/fhir/$export', kickoff('system'));
  app.get('/fhir/Patient/$export', kickoff('patient'));
  app.get<{ Params: { id: string } }>('/fhir/Group/:id/$export', kickoff('group'));

  app.get<{ Params: { id: string } }>('/fhir/$export-status/:id', async (request, reply) => {
    const status = jobs.status(request.params.id, ownerOf(request));
    if (!status) throw new VitaltwinError('VT_ERR_NOT_FOUND', 'no such export (it may have expired or been cancelled)');
    switch (status.state) {
      case 'in-progress':
        reply.code(202).header('x-progress', status.progress).header('retry-after', '1').type('application/fhir+json');
        return reply.send(JSON.stringify(informational(`in progress: ${status.progress}`)));
      case 'failed':
        throw new VitaltwinError('VT_ERR_INTERNAL', status.message);
      case 'complete': {
        const base = fhirBaseUrl(request);
        const manifest = bulkExportManifest(status, {
          fileUrl: (file) => `${base}/$export-output/${request.params.id}/${file}`,
          requiresAccessToken,
        });
        reply.header('expires', new Date(status.transactionTimeMs + retentionMs).toUTCString());
        return reply.code(200).type('application/json').send(JSON.stringify(manifest));
      }
    }
  });

  app.delete<{ Params: { id: string } }>('/fhir/$export-status/:id', async (request, reply) => {
    if (!(await jobs.cancel(request.params.id, ownerOf(request)))) throw new VitaltwinError('VT_ERR_NOT_FOUND', 'no such export');
    return reply
      .code(202)
      .type('application/fhir+json')
      .send(JSON.stringify(informational('export cancelled and its files deleted')));
  });

  app.get<{ Params: { id: string; file: string } }>('/fhir/$export-output/:id/:file', async (request, reply) => {
    const path = jobs.file(request.params.id, request.params.file, ownerOf(request));
    if (path === undefined) throw new VitaltwinError('VT_ERR_NOT_FOUND', 'no such export file');
    reply.code(200).type('application/fhir+ndjson');
    // De-identified callers get the whole file as text, for the response guard to rewrite; others a stream.
    if (authOf(request)?.decision?.deidentify) return reply.send(await readFile(path));
    return reply.send(createReadStream(path));
  });
}
