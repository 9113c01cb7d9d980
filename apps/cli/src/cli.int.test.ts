import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli.ts';

// The CLI as a user runs it: exit code 0 ok, 1 runtime failure, 2 usage error; one clear line on
// stderr and no stack trace unless --verbose.
describe('vitaltwin command', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-cli-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints help listing the subcommands', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('serve');
    expect(result.stdout).toContain('db');
  });

  it('exits 2 on an unknown flag', async () => {
    const result = await runCli(['serve', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });

  it('exits 2 with one line naming each bad value', async () => {
    const result = await runCli(['serve', '--port', 'http', '--mqtt-port', '65536']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'vitaltwin: invalid configuration: --port must be a number; --mqtt-port must be between 0 and 65535',
    ]);
  });

  it('exits 2 for a malformed DATABASE_URL and 1 for an unreachable one, without a stack trace', async () => {
    const malformed = await runCli(['db', 'migrate'], { env: { DATABASE_URL: 'not a url' } });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('DATABASE_URL must be a URL starting with postgres://');
    const unreachable = await runCli(['db', 'migrate'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^vitaltwin: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/none \(ECONNREFUSED\); check DATABASE_URL/,
    );
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the stack trace only with --verbose', async () => {
    const result = await runCli(['--verbose', 'db', 'migrate'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('exits 2 when the data directory cannot be written', async () => {
    const readOnly = join(scratch, 'read-only');
    await runCli(['db', 'migrate', '--data-dir', join(readOnly, 'x')]);
    await chmod(readOnly, 0o500);
    const result = await runCli(['db', 'migrate', '--data-dir', join(readOnly, 'y')]);
    await chmod(readOnly, 0o700);
    // root ignores directory permissions, so only assert when the OS actually denied the write.
    if (result.code !== 0) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('choose a writable --data-dir');
    }
    const file = join(scratch, 'a-file');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'x'));
    const notDir = await runCli(['db', 'migrate', '--data-dir', join(file, 'sub')]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain('choose a writable --data-dir');
  });

  it('migrates an embedded database and reports it as JSON', async () => {
    const dataDir = join(scratch, 'db');
    const first = await runCli(['db', 'migrate', '--data-dir', dataDir, '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { applied: string[]; current: number };
    expect(report.applied[0]).toBe('001_initial');
    const second = await runCli(['db', 'migrate', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: [], current: report.current });
  });
});
