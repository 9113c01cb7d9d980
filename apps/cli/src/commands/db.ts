import { describeTarget, migrate, openDatabase } from '@vitaltwin/platform';
import { databaseTarget, loadServerConfig } from '@vitaltwin/server';
import type { Command } from 'commander';

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending schema migrations (DATABASE_URL, or embedded PGlite in --data-dir)')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .option('--json', 'print the result as JSON')
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const config = loadServerConfig({ flags: { dataDir: options.dataDir }, env: process.env });
      const target = databaseTarget(config);
      const client = await openDatabase(target, { migrate: false });
      try {
        const report = await migrate(client);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ database: describeTarget(target), ...report })}\n`);
        } else {
          const applied = report.applied.length ? `applied ${report.applied.join(', ')}` : 'nothing to apply';
          process.stdout.write(`${describeTarget(target)}: ${applied}; schema version ${report.current}\n`);
        }
      } finally {
        await client.close();
      }
    });
}
