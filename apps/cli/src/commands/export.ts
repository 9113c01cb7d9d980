import { createPseudonymizer, VitaltwinError } from '@vitaltwin/core';
import { exportStore, loadKeyMaterial, nodeHmacSha256 } from '@vitaltwin/platform';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';
import { withSecurityStore } from '../security-store.ts';
import { printSelectedExport, selectedExport } from '../selected-export.ts';

interface ExportFlags {
  out: string;
  deidentify?: boolean;
  dataDir?: string;
  json?: boolean;
  type?: string;
  since?: string;
  typeFilter?: string[];
  server?: string;
  token?: string;
}

/**
 * `vitaltwin export --out DIR [--deidentify]`: everything in the store as NDJSON, one file per
 * resource type (plus DeviceReading.ndjson). With --deidentify, HIPAA Safe Harbor
 * de-identification keyed by the server's secret (so pseudonyms match the server's), and
 * deidentification-report.json with what was removed. The export is audited.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export the store as NDJSON per resource type, optionally de-identified (HIPAA Safe Harbor)')
    .requiredOption('--out <dir>', 'directory to write the NDJSON files into')
    .option('--deidentify', 'remove the 18 Safe Harbor identifiers; pseudonymise ids; shift dates per patient')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .option('--json', 'print the summary as JSON')
    .option('--type <types>', 'only these FHIR resource types, comma-separated (no DeviceReading.ndjson)')
    .option('--since <instant>', 'only resources changed after this date or instant')
    .option(
      '--type-filter <search>',
      'only resources of that type matching a FHIR search, e.g. "Observation?code=http://loinc.org|8867-4" (repeatable; Bulk Data _typeFilter)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--server <url>', 'export from a running server through FHIR Bulk Data $export')
    .option('--token <token>', 'access token for --server (or VITALTWIN_TOKEN)')
    .action(async (options: ExportFlags) => {
      const selected =
        options.type !== undefined || options.since !== undefined || options.typeFilter !== undefined || options.server !== undefined;
      if (selected && options.deidentify)
        throw new UsageError('--deidentify cannot be combined with --type, --since, --type-filter or --server yet');
      if (!selected && options.token !== undefined) throw new UsageError('--token is only used with --server');
      if (selected) return printSelectedExport(await selectedExport(options), options.json === true);
      const summary = await withSecurityStore(options.dataDir, async (store) => {
        let deidentify: Parameters<typeof exportStore>[1]['deidentify'];
        if (options.deidentify) {
          const keys = await loadKeyMaterial({
            dataDir: store.config.dataDir,
            ...(store.config.security.signingKeyPem ? { signingKeyPem: store.config.security.signingKeyPem } : {}),
            ...(store.config.security.deidentificationSecretHex
              ? { deidentificationSecretHex: store.config.security.deidentificationSecretHex }
              : {}),
          });
          deidentify = {
            pseudonymizer: createPseudonymizer(nodeHmacSha256(keys.deidentificationSecret)),
            referenceYear: new Date().getUTCFullYear(),
          };
        }
        try {
          const result = await exportStore(store.db, { outDir: options.out, ...(deidentify ? { deidentify } : {}) });
          await store.audit({ action: 'export', entity: options.deidentify ? 'de-identified export' : 'export', outcome: 'success' });
          return result;
        } catch (error) {
          await store.audit({ action: 'export', outcome: 'failed', detail: (error as Error).message.slice(0, 120) });
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EEXIST')
            throw new VitaltwinError('VT_ERR_CONFIG', `cannot write to --out ${options.out} (${code})`);
          throw error;
        }
      });
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        for (const f of summary.files) process.stdout.write(`${f.file}\t${f.count}\n`);
        process.stdout.write(
          `wrote ${summary.files.length} files to ${summary.outDir}${summary.deidentified ? ' (de-identified; see deidentification-report.json)' : ''}\n`,
        );
      }
    });
}
