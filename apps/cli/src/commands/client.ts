import { isRole, VitaltwinError } from '@vitaltwin/core';
import { ClientStore } from '@vitaltwin/platform';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';
import { withSecurityStore } from '../security-store.ts';

/**
 * `vitaltwin client add|list|disable`: OAuth2 clients for POST /auth/token (client_credentials).
 * A device client (`--role device --device ID`) is also the device's MQTT login: username = the
 * device id, password = the client secret.
 */
export function registerClientCommand(program: Command): void {
  const client = program.command('client').description('manage OAuth2 clients: services and devices');
  client
    .command('add')
    .description('create a client; prints its id and secret (the secret is shown once)')
    .requiredOption('--role <role>', 'admin, clinician, patient, researcher or device')
    .option('--device <id>', 'the device id a device client sends for')
    .option('--patient <id>', 'the Patient a patient client is bound to')
    .option('--scope <scopes>', 'SMART scopes (default: everything the role allows)')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .option('--json', 'print the result as JSON')
    .action(async (options: { role: string; device?: string; patient?: string; scope?: string; dataDir?: string; json?: boolean }) => {
      if (!isRole(options.role)) throw new UsageError('--role must be admin, clinician, patient, researcher or device');
      const role = options.role;
      await withSecurityStore(options.dataDir, async (store) => {
        let created: Awaited<ReturnType<ClientStore['add']>>;
        try {
          created = await new ClientStore(store.db).add({
            role,
            ...(options.device ? { deviceId: options.device } : {}),
            ...(options.patient ? { patientId: options.patient } : {}),
            ...(options.scope ? { scope: options.scope } : {}),
          });
        } catch (error) {
          if (error instanceof VitaltwinError && error.code === 'VT_ERR_INVALID_INPUT') throw new UsageError(error.message);
          throw error;
        }
        await store.audit({
          action: 'create',
          entity: `Client/${created.client.clientId}`,
          outcome: 'success',
          detail: `client (${role})`,
        });
        if (options.json) process.stdout.write(`${JSON.stringify({ ...created.client, clientSecret: created.secret })}\n`);
        else {
          process.stdout.write(
            `client_id     ${created.client.clientId}\nclient_secret ${created.secret}   (shown once)\nscope         ${created.client.scope}\n`,
          );
          if (created.client.deviceId)
            process.stdout.write(`MQTT login    username ${created.client.deviceId}, password = the client secret\n`);
        }
      });
    });
  client
    .command('list')
    .description('list clients')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .option('--json', 'print the result as JSON')
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      await withSecurityStore(options.dataDir, async (store) => {
        const clients = await new ClientStore(store.db).list();
        if (options.json) process.stdout.write(`${JSON.stringify(clients)}\n`);
        else
          for (const c of clients)
            process.stdout.write(`${c.clientId}\t${c.role}\t${c.deviceId ?? c.patientId ?? ''}${c.disabled ? '\tdisabled' : ''}\n`);
      });
    });
  client
    .command('disable <clientId>')
    .description('disable a client (its tokens stop being issued; MQTT logins are refused)')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .action(async (clientId: string, options: { dataDir?: string }) => {
      await withSecurityStore(options.dataDir, async (store) => {
        await new ClientStore(store.db).setDisabled(clientId, true);
        await store.audit({ action: 'update', entity: `Client/${clientId}`, outcome: 'success', detail: 'disable' });
        process.stdout.write(`disabled ${clientId}\n`);
      });
    });
}
