import type { Command } from 'commander';
import { registerDbCommand } from './db.ts';
import { registerServeCommand } from './serve.ts';

/** Every subcommand registers itself here, one line each. */
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerDbCommand(program);
}
