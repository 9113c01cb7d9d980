import { randomBytes } from 'node:crypto';
import { isRole, roleDefinitions, VitaltwinError } from '@vitaltwin/core';
import { UserStore } from '@vitaltwin/platform';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';
import { withSecurityStore } from '../security-store.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `vitaltwin user add|list|disable|enable`: people who log in (passwords stored as argon2id hashes). */
export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('manage user accounts (DATABASE_URL, or embedded PGlite in --data-dir)');
  user
    .command('add <username>')
    .description('add a user; prints a generated password unless --password-stdin')
    .requiredOption('--role <role>', 'admin, clinician, patient or researcher')
    .option('--patient <id>', 'the Patient a patient user is')
    .option('--password-stdin', 'read the password from standard input')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .option('--json', 'print the result as JSON')
    .action(
      async (username: string, options: { role: string; patient?: string; passwordStdin?: boolean; dataDir?: string; json?: boolean }) => {
        if (!isRole(options.role) || options.role === 'device')
          throw new UsageError('--role must be admin, clinician, patient or researcher');
        const role = options.role;
        const generated = options.passwordStdin ? undefined : randomBytes(15).toString('base64url');
        const password = generated ?? (await readStdin());
        await withSecurityStore(options.dataDir, async (store) => {
          let added: Awaited<ReturnType<UserStore['add']>>;
          try {
            added = await new UserStore(store.db).add({
              username,
              password,
              role,
              ...(options.patient ? { patientId: options.patient } : {}),
            });
          } catch (error) {
            if (error instanceof VitaltwinError && error.code === 'VT_ERR_INVALID_INPUT') throw new UsageError(error.message);
            throw error;
          }
          await store.audit({ action: 'create', entity: `User/${added.id}`, outcome: 'success', detail: `user ${username} (${role})` });
          if (options.json) process.stdout.write(`${JSON.stringify({ ...added, ...(generated ? { password: generated } : {}) })}\n`);
          else process.stdout.write(`added ${role} ${username}${generated ? ` with password ${generated} (shown once)` : ''}\n`);
        });
      },
    );
  user
    .command('list')
    .description('list users')
    .option('--data-dir <dir>', 'embedded PGlite data directory')
    .option('--json', 'print the result as JSON')
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      await withSecurityStore(options.dataDir, async (store) => {
        const users = await new UserStore(store.db).list();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(users)}\n`);
          return;
        }
        for (const u of users) {
          process.stdout.write(
            `${u.username}\t${u.role}${u.patientId ? `\tpatient ${u.patientId}` : ''}${u.disabled ? '\tdisabled' : ''}\n`,
          );
        }
      });
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <username>`)
      .description(disabled ? 'disable a user and revoke their refresh tokens' : 'enable a disabled user')
      .option('--data-dir <dir>', 'embedded PGlite data directory')
      .action(async (username: string, options: { dataDir?: string }) => {
        await withSecurityStore(options.dataDir, async (store) => {
          const u = await new UserStore(store.db).setDisabled(username, disabled);
          await store.audit({ action: 'update', entity: `User/${u.id}`, outcome: 'success', detail: `${name} ${username}` });
          process.stdout.write(`${name}d ${username}\n`);
        });
      });
  }
  user.addHelpText(
    'after',
    `\nRoles: ${Object.entries(roleDefinitions)
      .map(([r, d]) => `\n  ${r.padEnd(11)} ${d.description}`)
      .join('')}`,
  );
}
