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
    .option('--auth <on|off>', 'require access tokens (env VITALTWIN_AUTH; default on; off only on loopback)', undefined)
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (env VITALTWIN_TLS_CERT)', undefined)
    .option('--tls-key <file>', 'PEM private key for --tls-cert (env VITALTWIN_TLS_KEY)', undefined)
    .option('--demo', 'load the demo data set (Synthea patients, vitals, CGM) and stream live demo vitals (env VITALTWIN_DEMO=1)')
    .option('--cors-origin <origins>', 'comma-separated browser origins allowed by CORS (env VITALTWIN_CORS_ORIGINS)', undefined)
    .addHelpText(
      'after',
      '\nEnvironment:\n  DATABASE_URL  use this PostgreSQL database instead of embedded PGlite\n  MQTT_URL      use this external MQTT broker instead of the embedded one\n\nDefaults: http://127.0.0.1:8080, data in ./.vitaltwin, MQTT on 1883.',
    )
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { demo, ...flags } = options;
      // The product defaults to authentication on; embedding code and tests default to off (loopback only).
      const config = loadServerConfig({
        flags: { ...(flags as Record<string, string | undefined>), ...(demo ? { demo: 'true' } : {}) },
        env: process.env,
        defaults: { auth: 'on' },
      });
      const server = await startServer(config);
      process.stdout.write(`Vitaltwin listening on ${server.url} (GET ${server.url}/healthz); device MQTT on ${server.mqttUrl}\n`);
      process.stdout.write(`Open ${server.url}/ in a browser for the clinician app.\n`);
      const first = server.context.security?.bootstrap;
      if (first) {
        process.stdout.write(
          `First start: created user "${first.username}" with password ${first.password}\n` +
            `(shown once; log in with POST ${server.url}/auth/login, or run: npx vitaltwin token --role clinician)\n`,
        );
      } else if (config.security.auth === 'off') {
        process.stdout.write('Authentication is OFF (--auth off): anyone on this machine can read and change all data.\n');
      }
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
