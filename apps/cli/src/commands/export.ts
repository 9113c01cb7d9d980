import { createPseudonymizer, VitaltwinError } from '@vitaltwin/core';
import { exportStore, loadKeyMaterial, nodeHmacSha256 } from '@vitaltwin/platform';
import type { Command } from 'commander';
import { withSecurityStore } from '../security-store.ts';

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
    .action(async (options: { out: string; deidentify?: boolean; dataDir?: string; json?: boolean }) => {
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
