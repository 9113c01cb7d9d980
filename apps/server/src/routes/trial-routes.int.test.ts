import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads an SSE response until the server ends it. */
async function readAll(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) =>
      Object.fromEntries(
        block
          .split('\n')
          .filter((l) => l.includes(': ') && !l.startsWith(':'))
          .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
      ),
    )
    .filter((f) => f.event && f.data)
    .map((f) => ({ event: f.event!, data: JSON.parse(f.data!) as Record<string, unknown> }));
}

const protocol = {
  name: 'http-trial',
  population: { source: 'simglucose', patients: ['adult#001', 'adult#002', 'child#003', 'adolescent#004'] },
  days: 1,
  seed: 3,
  shardSize: 1,
  arms: [
    { name: 'bb', controller: { type: 'basal-bolus' } },
    { name: 'pid', controller: { type: 'pid' } },
  ],
};

describe('/trials', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-trials-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rejects an invalid protocol with 422 and JSON paths', async () => {
    const res = await fetch(`${server.url}/trials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...protocol, days: 0, arms: [{ name: 'x', controller: { type: 'basal-bolus', crScale: 0 } }] }),
    });
    expect(res.status).toBe(422);
    const outcome = (await res.json()) as {
      resourceType: string;
      issue: { expression?: string[]; diagnostics?: string; details?: { text?: string } }[];
    };
    expect(outcome.resourceType).toBe('OperationOutcome');
    const expressions = outcome.issue.flatMap((i) => i.expression ?? []);
    expect(expressions).toEqual(expect.arrayContaining(['$.days', '$.arms[0].controller.crScale']));
  });

  it('runs a trial: 202, progress over SSE, status, summary and report', async () => {
    const res = await fetch(`${server.url}/trials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(protocol),
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; state: string; links: Record<string, string> };
    expect(res.headers.get('location')).toBe(`/trials/${job.id}`);
    expect(job.links.events).toBe(`/trials/${job.id}/events`);

    const stream = await fetch(`${server.url}/trials/${job.id}/events`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const events = await readAll(stream);
    expect(events[0]!.event).toBe('status');
    // The stream ends with the final state (a client connecting after the end gets just the status).
    const last = events[events.length - 1]!;
    expect(last.data['state']).toBe('succeeded');
    const done = events.map((e) => (e.data['progress'] as { patientsDone: number } | null)?.patientsDone ?? 0);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done[done.length - 1]).toBe(4);

    const status = (await (await fetch(`${server.url}/trials/${job.id}`)).json()) as { state: string; progress: { patientsTotal: number } };
    expect(status.state).toBe('succeeded');
    expect(status.progress.patientsTotal).toBe(4);

    const summaryRes = await fetch(`${server.url}/trials/${job.id}/summary`);
    expect(summaryRes.status).toBe(200);
    const summary = (await summaryRes.json()) as {
      arms: { name: string; n: number; endpoints: Record<string, { mean: number; ci95: number[] }> }[];
      comparisons: { arms: string[]; endpoint: string; pValue: number }[];
    };
    expect(summary.arms.map((a) => [a.name, a.n])).toEqual([
      ['bb', 4],
      ['pid', 4],
    ]);
    expect(summary.comparisons.find((c) => c.endpoint === 'tir')!.arms).toEqual(['pid', 'bb']);

    const report = await fetch(`${server.url}/trials/${job.id}/report`);
    expect(report.headers.get('content-type')).toContain('text/html');
    const html = await report.text();
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
  });

  it('lists trials, cancels a running one and finds both again after a restart', async () => {
    const long = { ...protocol, name: 'long-trial', population: { source: 'generated', n: 400, seed: 5 }, days: 14, shardSize: 10 };
    const res = await fetch(`${server.url}/trials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(long),
    });
    const job = (await res.json()) as { id: string };
    const cancel = await fetch(`${server.url}/trials/${job.id}`, { method: 'DELETE' });
    expect(cancel.status).toBe(202);
    const events = await readAll(await fetch(`${server.url}/trials/${job.id}/events`));
    expect(events[events.length - 1]!.data['state']).toBe('cancelled');
    const again = await fetch(`${server.url}/trials/${job.id}`, { method: 'DELETE' });
    expect(again.status).toBe(200);

    const list = async () =>
      ((await (await fetch(`${server.url}/trials`)).json()) as { trials: { id: string; name: string; state: string }[] }).trials;
    const before = await list();
    expect(before.map((t) => [t.name, t.state])).toEqual([
      ['long-trial', 'cancelled'],
      ['http-trial', 'succeeded'],
    ]);

    await server.stop();
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
    const after = await list();
    expect(after.map((t) => [t.id, t.name, t.state])).toEqual(before.map((t) => [t.id, t.name, t.state]));
    const finished = after.find((t) => t.state === 'succeeded')!;
    expect((await fetch(`${server.url}/trials/${finished.id}/summary`)).status).toBe(200);
  }, 120_000);

  it('answers 404 for an unknown trial', async () => {
    const res = await fetch(`${server.url}/trials/00000000-0000-0000-0000-000000000000`);
    expect(res.status).toBe(404);
  });
});
