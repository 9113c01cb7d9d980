import { VitaltwinError } from '@vitaltwin/core';
import { verifyAuditChain } from '@vitaltwin/platform';
import type { Command } from 'commander';
import { withSecurityStore } from '../security-store.ts';

/**
 * `vitaltwin audit verify`: recomputes the audit trail's hash chain and names the first broken
 * link (exit 1), or prints how many events were checked and the head hash to keep elsewhere.
 */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the audit trail');
  audit
    .command('verify')
    .description('recompute the audit hash chain; exit 1 naming the first broken link')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .option('--json', 'print the report as JSON')
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const report = await withSecurityStore(options.dataDir, (store) => verifyAuditChain(store.db));
      if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      if (!report.ok && report.firstBreak) {
        throw new VitaltwinError(
          'VT_ERR_INTERNAL',
          `audit chain broken at seq ${report.firstBreak.seq} (${report.firstBreak.reason}): ${report.firstBreak.detail}; ${report.checked} events before it verify`,
        );
      }
      if (!options.json) {
        process.stdout.write(
          `audit chain intact: ${report.checked} events${report.head ? `; head seq ${report.head.seq} hash ${report.head.hash} (record it elsewhere to detect truncation)` : ''}\n`,
        );
      }
    });
}
