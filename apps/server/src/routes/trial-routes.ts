import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { VitaltwinError } from '@vitaltwin/core';
import { type TrialJobEvent, TrialJobManager, type TrialJobStatus } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';

const heartbeatMs = 15_000;

function links(id: string): Record<string, string> {
  const base = `/trials/${id}`;
  return { self: base, events: `${base}/events`, summary: `${base}/summary`, report: `${base}/report` };
}

function view(status: TrialJobStatus): Record<string, unknown> {
  const { outDir: _outDir, ...rest } = status;
  return { ...rest, links: links(status.id) };
}

function requireFinished(status: TrialJobStatus): void {
  if (status.state !== 'succeeded') {
    throw new VitaltwinError('VT_ERR_CONFLICT', `trial ${status.id} is ${status.state}; results exist once it has succeeded`);
  }
}

/**
 * In-silico trials over HTTP:
 * - `POST /trials` (body: a trial protocol, as for `vitaltwin trial run`) → 202 with the job status
 *   and links; an invalid protocol → 422 OperationOutcome listing each problem with its JSON path;
 * - `GET /trials` → every job, newest first (`{ trials: [...] }`);
 * - `GET /trials/{id}` → job status with progress (poll);
 * - `DELETE /trials/{id}` → cancels a queued or running job (202 with its status; finished shards
 *   stay on disk); a job that has ended is returned unchanged (200);
 * - `GET /trials/{id}/events` → Server-Sent Events: `status` now, then `progress` and `state`
 *   events until the job ends;
 * - `GET /trials/{id}/summary` → summary.json; `GET /trials/{id}/report` → report.html
 *   (409 until the job has succeeded).
 * Jobs run one at a time on worker threads; results are kept under `<dataDir>/trials/<id>`, and the
 * jobs found there are restored at start-up (unfinished ones resume from their finished shards).
 */
export async function trialRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const jobs = new TrialJobManager({ rootDir: join(ctx.config.dataDir, 'trials'), workers: availableParallelism(), events: ctx.events });
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  ctx.onShutdown(() => jobs.shutdown());
  jobs.restore();

  app.post('/trials', async (request, reply) => {
    const status = jobs.submit(request.body);
    return reply.code(202).header('location', `/trials/${status.id}`).send(view(status));
  });

  app.get('/trials', async () => ({ trials: jobs.list().map(view) }));

  app.get<{ Params: { id: string } }>('/trials/:id', async (request) => view(jobs.require(request.params.id)));

  app.delete<{ Params: { id: string } }>('/trials/:id', async (request, reply) => {
    const before = jobs.require(request.params.id).state;
    const status = jobs.cancel(request.params.id);
    return reply.code(before === 'queued' || before === 'running' ? 202 : 200).send(view(status));
  });

  app.get<{ Params: { id: string } }>('/trials/:id/summary', async (request, reply) => {
    const status = jobs.require(request.params.id);
    requireFinished(status);
    const text = await readFile(join(status.outDir, 'summary.json'), 'utf8');
    return reply.type('application/json; charset=utf-8').send(text);
  });

  app.get<{ Params: { id: string } }>('/trials/:id/report', async (request, reply) => {
    const status = jobs.require(request.params.id);
    requireFinished(status);
    const html = await readFile(join(status.outDir, 'report.html'), 'utf8');
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.get<{ Params: { id: string } }>('/trials/:id/events', (request, reply) => {
    const status = jobs.require(request.params.id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let seq = 0;
    const send = (event: string, data: unknown): void => {
      res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const terminal = (s: TrialJobStatus): boolean => s.state === 'succeeded' || s.state === 'failed' || s.state === 'cancelled';
    let end: () => void = () => {};
    send('status', view(status));
    if (terminal(status)) {
      res.end();
      return;
    }
    const unsubscribe = jobs.subscribe(status.id, (e: TrialJobEvent) => {
      send(e.type, view(e.status));
      if (terminal(e.status)) end();
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      res.end();
    };
    open.add(end);
    request.raw.on('close', end);
  });
}
