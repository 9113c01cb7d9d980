import type { Command } from 'commander';
import { registerAuditCommand } from './audit.ts';
import { registerClientCommand } from './client.ts';
import { registerDbCommand } from './db.ts';
import { registerDevicesCommand } from './devices.ts';
import { registerExportCommand } from './export.ts';
import { registerForecastEvaluateCommand } from './forecast-evaluate.ts';
import { registerForecastSimulatedMode } from './forecast-simulated.ts';
import { registerImportCommand } from './import.ts';
import { registerMetricsCgmCommand } from './metrics-cgm.ts';
import { registerScoreCommand } from './score.ts';
import { registerServeCommand } from './serve.ts';
import { registerSimulateCommand } from './simulate.ts';
import { registerTokenCommand } from './token.ts';
import { registerTrialCommand } from './trial.ts';
import { registerTwinCommand } from './twin.ts';
import { registerUserCommand } from './user.ts';

/** Every subcommand registers itself here, one line each. */
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerDbCommand(program);
  registerTokenCommand(program);
  registerUserCommand(program);
  registerClientCommand(program);
  registerAuditCommand(program);
  registerExportCommand(program);
  registerImportCommand(program);
  registerDevicesCommand(program);
  registerMetricsCgmCommand(program);
  registerForecastEvaluateCommand(program);
  registerForecastSimulatedMode(program);
  registerSimulateCommand(program);
  registerScoreCommand(program);
  registerTrialCommand(program);
  registerTwinCommand(program);
}
