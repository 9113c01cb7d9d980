import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';

export const version = '0.1.0';

/** Builds the `vitaltwin` command tree. Each subcommand lives in commands/<name>.ts. */
export function buildProgram(): Command {
  const program = new Command('vitaltwin')
    .description('Vitaltwin: healthcare digital twins fed by FHIR R4 records and device streams.')
    .version(version)
    .option('--verbose', 'print stack traces and debug logs')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  applyExitOverride(program);
  return program;
}

/** Commander only throws instead of exiting when every (sub)command is told to. */
function applyExitOverride(command: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride();
    applyExitOverride(sub);
  }
}
