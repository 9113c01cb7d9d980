import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, runCli } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'vt-trial-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeProtocol(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

const small = {
  name: 'cli-small',
  population: { source: 'simglucose', groups: ['adult'] },
  days: 1,
  seed: 1,
  shardSize: 2,
  arms: [
    { name: 'bb', controller: { type: 'basal-bolus' } },
    { name: 'cr', controller: { type: 'basal-bolus', crScale: 0.8 } },
  ],
};

describe('vitaltwin trial', () => {
  it('validate prints every problem with its JSON path', async () => {
    const file = writeProtocol('bad.json', { ...small, days: 0, arms: [{ name: 'bb', controller: { type: 'pid', horizonMin: -5 } }] });
    const r = await runCli(['trial', 'validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid trial protocol');
    expect(r.stderr).toContain('$.days: days must be >= 1');
    expect(r.stderr).toContain('$.arms[0].controller.horizonMin: horizonMin must be > 0');
  });

  it('run writes summary, patients and report, and a re-run resumes everything', async () => {
    const file = writeProtocol('small.json', small);
    const out = join(dir, 'small');
    const r = await runCli(['trial', 'run', file, '--out', out, '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('cli-small: 10 patients, 20 patient-days');
    for (const f of ['summary.json', 'patients.csv', 'report.html', 'protocol.json']) expect(existsSync(join(out, f))).toBe(true);
    const again = await runCli(['trial', 'run', file, '--out', out, '--workers', '1']);
    expect(again.stdout).toContain('(5 shard(s) resumed)');
  });

  it('stops on Ctrl-C (SIGINT) with finished shards kept, and resumes', async () => {
    const file = writeProtocol('long.json', { ...small, name: 'cli-long', population: { source: 'simglucose' }, days: 3, shardSize: 1 });
    const out = join(dir, 'long');
    const child = spawn(process.execPath, [cliBin, 'trial', 'run', file, '--out', out, '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupt once the first shards are on disk.
    const shards = join(out, 'shards');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (!existsSync(shards) || readdirSync(shards).filter((f) => f.endsWith('.json')).length < 2)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(stderr).toContain('run the same command again to resume');
    const kept = readdirSync(shards).filter((f) => f.endsWith('.json')).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(30);
    const resumed = await runCli(['trial', 'run', file, '--out', out, '--workers', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/\((\d+) shard\(s\) resumed\)/);
    expect(Number(/\((\d+) shard\(s\) resumed\)/.exec(resumed.stdout)![1])).toBeGreaterThanOrEqual(kept);
  });
});
