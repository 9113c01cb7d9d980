import {
  defaultPoolSize,
  FhirHttpClient,
  FhirRepository,
  findImportSources,
  type ImportSource,
  type ImportSummary,
  type ImportTarget,
  runImport,
  ServerImportTarget,
  StoreImportTarget,
  type UnresolvedPolicy,
  ValidationPool,
} from '@vitaltwin/platform';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';
import { ImportProgressDisplay } from '../import-progress.ts';
import { withSecurityStore } from '../security-store.ts';

/**
 * `vitaltwin import <files or folders...>`: FHIR R4 JSON (Bundles of type transaction, batch,
 * collection, document or searchset, or single resources) and FHIR Bulk Data NDJSON (`.ndjson`,
 * `.ndjson.gz`, streamed line by line) into the store, or into a running server with `--server`.
 * Folders are searched recursively. Importing the same files again changes nothing. Problems are
 * reported per file with the JSON path (`Bennett146.json: entry[12].resource.birthDate: ...`) or
 * line (`obs.ndjson:57: ...`) and the other files still import; the exit code is 1 when any file
 * had a problem.
 */
interface ImportFlags {
  dataDir?: string;
  server?: string;
  token?: string;
  unresolved: string;
  batchSize?: string;
  workers?: string;
  json?: boolean;
  progress?: boolean;
}

function wholeNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number ${min}..${max}, got "${value}"`);
  return n;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import FHIR R4 Bundles, resources and Bulk Data NDJSON files (or folders of them) into the store or a server')
    .argument('<paths...>', '.json, .ndjson and .ndjson.gz files, or folders searched recursively')
    .option('--data-dir <dir>', 'embedded PGlite data directory (DATABASE_URL selects PostgreSQL instead)')
    .option('--server <url>', 'import into a running server through its FHIR API instead of opening the store')
    .option('--token <token>', 'access token for --server (or VITALTWIN_TOKEN)')
    .option(
      '--unresolved <policy>',
      'a conditional reference (Practitioner?identifier=...) that matches nothing: error (the file fails) or placeholder (create a stand-in with that identifier)',
      'error',
    )
    .option('--batch-size <n>', 'resources per write statement (store, default 1000) or per transaction Bundle (--server, default 500)')
    .option('--workers <n>', 'validator threads (default: cores beyond two, at most 2; 0 validates on the main thread)')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      `
Identity: each resource keeps its id, else the urn:uuid of its fullUrl; references to fullUrls are
rewritten to Type/id. Importing the same files again writes nothing; a changed resource gets a new
version. Synthea's hospitalInformation*/practitionerInformation* files are imported first.`,
    )
    .action(async (paths: string[], flags: ImportFlags) => {
      const unresolved = flags.unresolved as UnresolvedPolicy;
      if (unresolved !== 'error' && unresolved !== 'placeholder')
        throw new UsageError(`--unresolved must be error or placeholder, got "${flags.unresolved}"`);
      const token = flags.token ?? process.env.VITALTWIN_TOKEN;
      if (flags.token !== undefined && flags.server === undefined) throw new UsageError('--token is only used with --server');
      if (flags.server !== undefined && flags.dataDir !== undefined) throw new UsageError('--data-dir and --server exclude each other');
      const batchSize = wholeNumber(flags.batchSize, '--batch-size', 1, 100_000);
      const workers = wholeNumber(flags.workers, '--workers', 0, 16);
      const sources = await findImportSources(paths, process.cwd()).catch((error: Error) => {
        throw new UsageError(error.message);
      });
      const display = new ImportProgressDisplay(flags.progress !== false && !flags.json, sources.length);
      const run = (target: ImportTarget) =>
        runImport(target, sources, {
          unresolved,
          onProgress: (p) => display.update(p),
          onProblem: (p) => display.problem(p),
        });
      let summary: ImportSummary;
      try {
        if (flags.server !== undefined) {
          const client = new FhirHttpClient({ server: flags.server, ...(token ? { token } : {}) });
          summary = await run(new ServerImportTarget(client, batchSize ? { chunkSize: batchSize } : {}));
        } else summary = await importIntoStore(flags.dataDir, sources, workers, batchSize, run);
      } finally {
        display.stop();
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else printSummary(summary);
      if (summary.filesFailed.length > 0) process.exitCode = 1;
    });
}

async function importIntoStore(
  dataDir: string | undefined,
  sources: readonly ImportSource[],
  workers: number | undefined,
  batchSize: number | undefined,
  run: (target: ImportTarget) => Promise<ImportSummary>,
): Promise<ImportSummary> {
  // Started first: the validator threads load the R4 definitions while the database opens.
  const size = workers ?? defaultPoolSize();
  const pool = size > 0 ? new ValidationPool(size) : undefined;
  try {
    return await withSecurityStore(dataDir, async (store) => {
      const repo = await FhirRepository.open(store.db, { validationWorkers: 0 });
      try {
        const target = new StoreImportTarget(repo, {
          validationWorkers: workers ?? 0,
          ...(pool ? { pool } : {}),
          ...(batchSize ? { batchSize } : {}),
        });
        const summary = await run(target);
        const { created, updated } = summary.resources;
        await store.audit({
          action: created > 0 ? 'create' : 'update',
          entity: 'import',
          outcome: summary.filesFailed.length === 0 ? 'success' : 'failed',
          detail: `${sources.length} files, ${created} created, ${updated} updated, ${summary.filesFailed.length} failed`,
        });
        return summary;
      } finally {
        await repo.close();
      }
    });
  } finally {
    await pool?.close();
  }
}

function printSummary(s: ImportSummary): void {
  const { created, updated, unchanged, failed } = s.resources;
  const imported = created + updated + unchanged;
  const out: string[] = [];
  out.push(
    `imported ${imported} resources from ${s.files - s.filesFailed.length} of ${s.files} files in ${s.seconds.toFixed(1)} s (${s.resourcesPerSec} resources/s): ${created} created, ${updated} updated, ${unchanged} unchanged${failed > 0 ? `, ${failed} not imported` : ''}`,
  );
  const width = Math.max(0, ...Object.keys(s.byType).map((t) => t.length));
  for (const [type, n] of Object.entries(s.byType)) out.push(`  ${type.padEnd(width)}  ${n}`);
  if (s.placeholders.created > 0 || s.placeholders.filled > 0)
    out.push(`placeholders: ${s.placeholders.created} created, ${s.placeholders.filled} filled by the real resource`);
  if (s.filesFailed.length > 0) out.push(`failed files (${s.filesFailed.length}):`, ...s.filesFailed.map((f) => `  ${f}`));
  process.stdout.write(`${out.join('\n')}\n`);
}
