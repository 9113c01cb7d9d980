import { once } from 'node:events';
import { createReadStream, createWriteStream, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import {
  CsvStreamParser,
  type CsvStreamResult,
  type CsvSyntaxError,
  createScoreTable,
  formatCsvRecord,
  type ScoreTable,
  type ScoreTableName,
  VitaltwinError,
} from '@vitaltwin/core';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';

/**
 * `vitaltwin score news2|qsofa|mews --in vitals.csv [--out scores.csv] [--json]`: batch scoring of
 * a CSV file, streamed record by record so that a file of millions of rows runs in constant memory.
 *
 * Behaviour with bad rows: every row is written (input cells unchanged); a row that cannot be
 * scored gets empty score cells and the reason in the `error` column, is reported on stderr as
 * `file:line: column: problem`, and the command exits 1 after writing everything. The output file
 * is written under a temporary name and renamed when complete, so a crash never leaves half a file.
 */

interface ScoreOptions {
  in: string;
  out?: string;
  json?: boolean;
}

interface RowError {
  readonly line: number;
  readonly column: string;
  readonly message: string;
}

interface ScoreSummary {
  command: string;
  in: string;
  out: string;
  rows: number;
  scored: number;
  incomplete: number;
  failed: number;
  errors: RowError[];
  errorsTruncated: boolean;
}

const STDERR_ERROR_LINES = 50;
const JSON_ERRORS = 1000;

const columnsHelp: Record<ScoreTableName, string> = {
  news2: 'rr,spo2,spo2_scale,on_oxygen,sbp,hr,consciousness,temp_c  (spo2_scale 1/2, empty = 1; on_oxygen 0/1; consciousness A,C,V,P,U)',
  qsofa: 'rr,sbp and gcs (3–15) or altered_mentation (0/1)',
  mews: 'sbp,hr,rr,temp_c,consciousness (A,V,P,U; Subbe 2001 bands)',
};

export function registerScoreCommand(program: Command): void {
  const score = program.command('score').description('early-warning scores for every row of a vitals CSV file');
  for (const name of ['news2', 'qsofa', 'mews'] as const) {
    score
      .command(name)
      .description(`${name.toUpperCase()} per row; input columns: ${columnsHelp[name]}`)
      .requiredOption('--in <file>', 'input CSV (RFC 4180, header row; other columns are ids, passed through)')
      .option('--out <file>', 'output CSV (default: standard output)')
      .option('--json', 'print the summary (counts and row errors) as JSON')
      .addHelpText(
        'after',
        '\nEmpty cell = not measured: the sub-score is empty, total empty, complete 0, partial_total the sum of the rest\n(clinical-references.md NEWS2 missing-value rule). Rows that cannot be scored keep their cells, get the reason\nin the error column and are listed on stderr as file:line; the exit code is then 1.',
      )
      .action(async (options: ScoreOptions) => runScore(name, options));
  }
}

async function runScore(name: ScoreTableName, options: ScoreOptions): Promise<void> {
  const inFile = options.in;
  try {
    if (!statSync(inFile).isFile()) throw new UsageError(`--in ${inFile} is not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read --in ${inFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const toStdout = options.out === undefined || options.out === '-';
  const tmp = toStdout ? null : `${options.out}.${process.pid}.tmp`;
  const out: Writable = tmp === null ? process.stdout : createWriteStream(tmp, { encoding: 'utf8' });
  const label = basename(inFile);
  const summary: ScoreSummary = {
    command: `score ${name}`,
    in: inFile,
    out: toStdout ? '-' : options.out!,
    rows: 0,
    scored: 0,
    incomplete: 0,
    failed: 0,
    errors: [],
    errorsTruncated: false,
  };
  let reported = 0;
  const report = (e: RowError) => {
    if (reported < STDERR_ERROR_LINES) process.stderr.write(`${label}:${e.line}: ${e.column ? `${e.column}: ` : ''}${e.message}\n`);
    reported += 1;
    if (summary.errors.length < JSON_ERRORS) summary.errors.push(e);
    else summary.errorsTruncated = true;
  };

  let table: ScoreTable | null = null;
  const syntaxErrors: CsvSyntaxError[] = [];
  const attached = new Set<CsvSyntaxError>();
  let buffer = '';
  let completeIndex = -1;
  // A reader that stops early (`… | head`) closes standard output: stop quietly, as Unix tools do.
  let readerGone = false;
  const isEpipe = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code === 'EPIPE';
  if (toStdout) {
    out.on('error', (e) => {
      if (isEpipe(e)) readerGone = true;
    });
  }
  /** Sends what has accumulated; waits only when the destination asks for a pause. */
  const flush = async () => {
    if (buffer.length === 0 || readerGone) return;
    const ok = out.write(buffer);
    buffer = '';
    if (ok) return;
    try {
      await once(out, 'drain');
    } catch (e) {
      if (!isEpipe(e)) throw e;
      readerGone = true;
    }
  };
  // Rows are handled synchronously into `buffer`; the caller flushes once per input chunk, so a
  // million rows cost a few dozen awaits rather than a million.
  const handle = (result: CsvStreamResult) => {
    for (const record of result.records) {
      if (table === null) {
        try {
          table = createScoreTable(name, record.fields);
        } catch (e) {
          if (e instanceof VitaltwinError) throw new VitaltwinError(e.code, `${label}:${record.line}: ${e.message}`, e.problems);
          throw e;
        }
        completeIndex = table.outputHeader.indexOf('complete');
        buffer += formatCsvRecord(table.outputHeader);
        continue;
      }
      summary.rows += 1;
      const row = table.scoreRow(record.fields);
      const syntax = record.errors ?? [];
      for (const e of syntax) attached.add(e);
      if (row.ok && syntax.length === 0) {
        summary.scored += 1;
        if (row.cells[completeIndex] === '0') summary.incomplete += 1;
        buffer += formatCsvRecord(row.cells);
        continue;
      }
      summary.failed += 1;
      const problems = [...syntax.map((s) => ({ column: '', message: s.message })), ...(row.ok ? [] : row.problems)];
      for (const p of problems) report({ line: record.line, column: p.column, message: p.message });
      const scoreCells = table.outputHeader.length - table.inputColumnCount - 1;
      const cells = [...row.cells.slice(0, table.inputColumnCount), ...Array<string>(scoreCells).fill('')];
      buffer += formatCsvRecord([...cells, problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join('; ')]);
    }
    for (const e of result.errors) syntaxErrors.push(e);
  };

  try {
    const parser = new CsvStreamParser();
    const input = createReadStream(inFile, { encoding: 'utf8', highWaterMark: 1 << 20 });
    for await (const chunk of input) {
      handle(parser.push(chunk as string));
      await flush();
      if (readerGone) {
        input.destroy();
        return;
      }
    }
    handle(parser.end());
    // A syntax error that belongs to no row (a lone unterminated quote at the end) still fails the run.
    for (const e of syntaxErrors) {
      if (!attached.has(e)) {
        summary.failed += 1;
        report({ line: e.line, column: '', message: e.message });
      }
    }
    if (table === null)
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${label}: empty file, expected a header row with ${columnsHelp[name]}`);
    await flush();
    if (tmp !== null) {
      out.end();
      await once(out, 'finish');
      renameSync(tmp, options.out!);
    }
  } catch (e) {
    if (tmp !== null) {
      out.destroy();
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing was written yet.
      }
    }
    throw e;
  }

  if (reported > STDERR_ERROR_LINES) process.stderr.write(`… and ${reported - STDERR_ERROR_LINES} more problems (see the error column)\n`);
  const summaryStream = toStdout ? process.stderr : process.stdout;
  if (options.json) summaryStream.write(`${JSON.stringify(summary)}\n`);
  else {
    summaryStream.write(
      `${summary.command}: ${summary.rows} rows, ${summary.scored} scored (${summary.incomplete} incomplete), ${summary.failed} failed${toStdout ? '' : ` → ${options.out}`}\n`,
    );
  }
  if (summary.failed > 0) {
    throw new VitaltwinError(
      'VT_ERR_VALIDATION',
      `${summary.failed} of ${summary.rows} rows could not be scored; they are in the output with the reason in the error column`,
    );
  }
}
