import { loadServerConfig, startServer } from '@vitaltwin/server';
import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the Vitaltwin server (HTTP API, FHIR, MQTT ingest) with embedded defaults')
    .option('--port <port>', 'HTTP port (env PORT)', undefined)
    .option('--host <host>', 'address to bind (env VITALTWIN_HOST)', undefined)
    .option('--data-dir <dir>', 'embedded PGlite data directory (env VITALTWIN_DATA_DIR)', undefined)
    .option('--mqtt-port <port>', 'embedded MQTT broker port (env MQTT_PORT)', undefined)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)', undefined)
    .addHelpText(
      'after',
      '\nEnvironment:\n  DATABASE_URL  use this PostgreSQL database instead of embedded PGlite\n  MQTT_URL      use this external MQTT broker instead of the embedded one\n\nDefaults: http://127.0.0.1:8080, data in ./.vitaltwin, MQTT on 1883.',
    )
    .action(async (options: Record<string, string | undefined>) => {
      const config = loadServerConfig({ flags: options, env: process.env });
      const server = await startServer(config);
      process.stdout.write(`Vitaltwin listening on ${server.url} (GET ${server.url}/healthz)\n`);
      let signals = 0;
      const onSignal = () => {
        signals += 1;
        if (signals > 1) process.exit(1);
        server.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
}
