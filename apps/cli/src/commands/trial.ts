import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { VitaltwinError } from '@vitaltwin/core';
import {
  checkTrialProtocol,
  defaultShardQueueName,
  runTrial,
  startShardQueueWorker,
  TrialAbortedError,
  type TrialProgress,
} from '@vitaltwin/platform';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';

interface TrialRunFlags {
  out?: string;
  workers?: string;
  queue?: string;
  queueName?: string;
  progress?: boolean;
  json?: boolean;
}

function readProtocol(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read protocol ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function redisUrl(value: string, flag: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'redis:' || u.protocol === 'rediss:') return value;
  } catch {
    // reported below
  }
  throw new UsageError(`${flag} must be a redis:// or rediss:// URL, got "${value}"`);
}

function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--:--';
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`;
}

/** `vitaltwin trial run|validate`: in-silico trials on virtual cohorts. */
export function registerTrialCommand(program: Command): void {
  const trial = program.command('trial').description('in-silico trials on virtual cohorts (UVA/Padova T1D model)');

  trial
    .command('validate')
    .description('check a trial protocol and print its normalised form (defaults filled in) and hash')
    .argument('<protocol.json>', 'trial protocol file (see examples/trials/)')
    .action((file: string) => {
      const checked = checkTrialProtocol(readProtocol(file));
      process.stdout.write(`${JSON.stringify(checked, null, 2)}\n`);
    });

  trial
    .command('run')
    .description('run (or resume) a trial; writes summary.json, patients.csv and report.html into --out')
    .argument('<protocol.json>', 'trial protocol file (see examples/trials/)')
    .requiredOption('--out <dir>', 'output directory; re-running with the same protocol resumes, finished shards are kept')
    .option('--workers <n>', 'worker threads (default: number of cores)')
    .option('--queue <redis-url>', 'run the shards on `vitaltwin trial worker` processes through Redis (BullMQ) instead of local threads')
    .option('--queue-name <name>', 'BullMQ queue name', defaultShardQueueName)
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print summary.json to stdout at the end')
    .addHelpText('after', '\nCtrl-C stops the run and keeps every finished shard in --out; run the same command again to resume.')
    .action(async (file: string, flags: TrialRunFlags) => {
      const workers = flags.workers === undefined ? availableParallelism() : Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 256)
        throw new UsageError(`--workers must be a whole number 0..256, got "${flags.workers}"`);
      const json = readProtocol(file);
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.on('SIGINT', onSigint);
      const showBar = flags.progress !== false && process.stderr.isTTY === true;
      const bar = showBar
        ? new cliProgress.SingleBar(
            {
              format: 'trial |{bar}| {value}/{total} patients | {days} patient-days | {rate} pd/s | ETA {etaText}',
              hideCursor: true,
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
      let last: TrialProgress | null = null;
      let lastLine = 0;
      const onProgress = (p: TrialProgress): void => {
        last = p;
        const payload = {
          days: p.patientDaysDone,
          rate: p.elapsedMs > 0 ? Math.round((p.patientDaysDone * 1000) / p.elapsedMs) : 0,
          etaText: formatDuration(p.etaMs),
        };
        if (bar) {
          if (p.phase === 'running' && !bar.isActive) bar.start(p.patientsTotal, p.patientsDone, payload);
          bar.update(p.patientsDone, payload);
        } else if (flags.progress !== false && (p.elapsedMs - lastLine > 5000 || p.phase !== 'running')) {
          lastLine = p.elapsedMs;
          process.stderr.write(`trial: ${p.phase} ${p.patientsDone}/${p.patientsTotal} patients, ETA ${formatDuration(p.etaMs)}\n`);
        }
      };
      try {
        const queue = flags.queue
          ? { redisUrl: redisUrl(flags.queue, '--queue'), queueName: flags.queueName ?? defaultShardQueueName }
          : undefined;
        const result = await runTrial(json, {
          outDir: flags.out!,
          workers,
          signal: controller.signal,
          onProgress,
          ...(queue ? { queue } : {}),
        });
        bar?.stop();
        if (flags.json)
          process.stdout.write(
            `${JSON.stringify(result.summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
          );
        else {
          const s = result.summary;
          process.stdout.write(
            `${s.protocol.name}: ${s.patients} patients, ${s.patientDays} patient-days (${result.shardsSkipped} shard(s) resumed), ${Math.round(result.patientDaysPerSec)} patient-days/s\n`,
          );
          for (const a of s.arms) {
            const tir = a.endpoints['tir'];
            process.stdout.write(
              `  ${a.name}: n=${a.n}${tir ? `, TIR ${tir.mean.toFixed(1)} % [${tir.ci95[0].toFixed(1)}, ${tir.ci95[1].toFixed(1)}]` : ''}\n`,
            );
          }
          for (const c of s.comparisons.filter((x) => x.endpoint === 'tir')) {
            process.stdout.write(
              `  ${c.arms[0]} − ${c.arms[1]}: TIR ${c.meanDiff.toFixed(2)} [${c.ci95[0].toFixed(2)}, ${c.ci95[1].toFixed(2)}], p = ${c.pValue.toPrecision(3)} (${c.test})\n`,
            );
          }
          process.stdout.write(`results in ${flags.out}: summary.json, patients.csv, report.html\n`);
        }
      } catch (e) {
        bar?.stop();
        if (e instanceof TrialAbortedError) {
          const p = last as TrialProgress | null;
          process.stderr.write(
            `vitaltwin: trial interrupted${p ? ` after ${p.shardsDone}/${p.shardsTotal} shards` : ''}; finished shards are saved in ${flags.out} — run the same command again to resume\n`,
          );
          process.exitCode = 130;
          return;
        }
        throw e;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  trial
    .command('worker')
    .description('take trial shards from a Redis (BullMQ) queue and run them on local threads, until Ctrl-C')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--threads <n>', 'worker threads (default: number of cores)')
    .option('--queue-name <name>', 'BullMQ queue name', defaultShardQueueName)
    .action(async (flags: { redis: string; threads?: string; queueName?: string }) => {
      const threads = flags.threads === undefined ? availableParallelism() : Number(flags.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 256)
        throw new UsageError(`--threads must be a whole number 1..256, got "${flags.threads}"`);
      const worker = await startShardQueueWorker({
        redisUrl: redisUrl(flags.redis, '--redis'),
        queueName: flags.queueName ?? defaultShardQueueName,
        threads,
      });
      process.stderr.write(`trial worker: ${threads} thread(s) on queue ${flags.queueName ?? defaultShardQueueName}; Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.close();
    });
}
