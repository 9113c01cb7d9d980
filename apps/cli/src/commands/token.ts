import { effectiveScopes, isRole, parseScopes, roleDefinitions, type Scope } from '@vitaltwin/core';
import { AccessTokens, loadKeyMaterial, parseDurationSec } from '@vitaltwin/platform';
import { loadServerConfig } from '@vitaltwin/server';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';

interface TokenOptions {
  role?: string;
  patient?: string;
  device?: string;
  scope?: string;
  expires: string;
  dataDir?: string;
  subject?: string;
  json?: boolean;
}

/**
 * `vitaltwin token --role ROLE`: prints an access token signed with the server's key from
 * `<data-dir>/keys/` (or VITALTWIN_JWT_SIGNING_KEY). Needs no database, so it works while the
 * server runs. Whoever can read the key can mint tokens, so this is an operator's tool.
 */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('print an access token for a role (signed with the key in --data-dir)')
    .requiredOption('--role <role>', `one of ${Object.keys(roleDefinitions).join(', ')}`)
    .option('--patient <id>', 'the Patient a patient token is bound to (required for --role patient)')
    .option('--device <id>', 'the device a device token may send for (required for --role device)')
    .option('--scope <scopes>', 'SMART scopes to grant (space-separated; default: everything the role allows)')
    .option('--expires <duration>', 'lifetime: 90s, 15m, 1h, 7d', '1h')
    .option('--subject <name>', 'who the token is for, as shown in the audit trail', undefined)
    .option('--data-dir <dir>', 'data directory holding keys/ (env VITALTWIN_DATA_DIR)')
    .option('--json', 'print {"access_token", "expires_in", "scope"} as JSON')
    .action(async (options: TokenOptions) => {
      const role = options.role;
      if (!isRole(role)) throw new UsageError(`--role must be one of ${Object.keys(roleDefinitions).join(', ')}`);
      if (role === 'patient' && !options.patient) throw new UsageError('--role patient needs --patient ID');
      if (role === 'device' && !options.device) throw new UsageError('--role device needs --device ID');
      for (const [flag, id] of [
        ['--patient', options.patient],
        ['--device', options.device],
      ] as const) {
        if (id !== undefined && !/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw new UsageError(`${flag} must be a FHIR id ([A-Za-z0-9-.]{1,64})`);
      }
      const ttl = parseDurationSec(options.expires);
      if (ttl === undefined || ttl > 30 * 86_400) throw new UsageError('--expires must be a duration such as 15m, 1h or 7d (at most 30d)');
      let scopes: readonly Scope[] = [...roleDefinitions[role].ceiling];
      if (options.scope !== undefined) {
        const parsed = parseScopes(options.scope);
        if (parsed.invalid.length > 0) throw new UsageError(`malformed scope ${parsed.invalid.join(', ')}`);
        scopes = effectiveScopes(role, parsed.scopes);
        if (scopes.length === 0) throw new UsageError(`none of the scopes is allowed for role ${role}`);
      }
      const config = loadServerConfig({ flags: { dataDir: options.dataDir }, env: process.env });
      const keys = await loadKeyMaterial({
        dataDir: config.dataDir,
        ...(config.security.signingKeyPem ? { signingKeyPem: config.security.signingKeyPem } : {}),
      });
      const subject = options.subject ?? `cli:${role}`;
      const issued = await new AccessTokens(keys).issue(
        {
          sub: subject,
          role,
          scopes,
          ...(options.patient ? { patientId: options.patient } : {}),
          ...(options.device ? { deviceId: options.device } : {}),
        },
        ttl,
      );
      if (options.json)
        process.stdout.write(
          `${JSON.stringify({ access_token: issued.token, token_type: 'Bearer', expires_in: ttl, scope: issued.scope })}\n`,
        );
      else process.stdout.write(`${issued.token}\n`);
    });
}
