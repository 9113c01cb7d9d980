import { groupReadingsBySubject } from '@vitaltwin/core';
import {
  averageForecastEvaluations,
  baselineForecasterFactories,
  createForecasters,
  evaluateForecasts,
  type ForecastEvaluation,
  type ForecasterContext,
  glucoseSeries,
} from '@vitaltwin/sim';
import type { Command } from 'commander';
import { loadCgmFile, reportRowErrors } from '../cgm-file-input.ts';
import { UsageError } from '../exit-codes.ts';
import { fullForecastColumns, renderForecastTable } from '../forecast-table.ts';
import { runSimulatedForecastEvaluation } from './forecast-simulated.ts';

interface ForecastEvaluateOptions {
  in?: string;
  format?: string;
  json?: boolean;
  forecasters?: string;
  horizons?: string;
  alignment?: string;
  tzOffset?: string;
  subject?: string;
  unit?: string;
  isf?: string;
  carbRatio?: string;
}

/**
 * `vitaltwin forecast evaluate`: rolling-origin evaluation of glucose forecasters on a real CGM
 * file (per subject, then averaged), with RMSE/MAE/MARD, Clarke zones and interval coverage.
 */
export function registerForecastEvaluateCommand(program: Command): void {
  const forecast = program.commands.find((c) => c.name() === 'forecast') ?? program.command('forecast').description('glucose forecasting');
  const known = Object.keys(baselineForecasterFactories);
  forecast
    .command('evaluate')
    .description('judge glucose forecasters on a CGM file: RMSE, MAE, MARD, Clarke zones, interval coverage per horizon')
    .requiredOption('--in <file>', 'CGM file: Dexcom Clarity CSV export, generic id,time,gl CSV, or HL7 CGM Bundle JSON')
    .option('--format <format>', 'auto|clarity|generic|fhir', 'auto')
    .option('--forecasters <ids>', `comma-separated, from: ${known.join(', ')}`, known.join(','))
    .option('--horizons <minutes>', 'comma-separated forecast horizons in minutes', '30,60,120')
    .option('--alignment <mode>', 'common (score only pairs every forecaster predicted) | each', 'common')
    .option('--json', 'print JSON instead of tables')
    .option('--tz-offset <minutes>', 'minutes east of UTC of unzoned timestamps; default 0 = UTC')
    .option('--subject <id>', 'subject id for single-patient files (default: file name)')
    .option('--unit <unit>', 'generic CSV only: glucose unit mg/dL|mmol/L')
    .option('--isf <mg/dL/U>', 'insulin sensitivity for oref0 (default 50)')
    .option('--carb-ratio <g/U>', 'carb ratio for oref0 (default 10)')
    .action((options: ForecastEvaluateOptions) => {
      if (runSimulatedForecastEvaluation(options)) return; // --simulated mode: forecast-simulated.ts
      const ids = (options.forecasters ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const unknown = ids.filter((id) => !known.includes(id));
      if (ids.length === 0 || unknown.length > 0)
        throw new UsageError(`--forecasters: unknown ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ')}`);
      const horizonsMin = parseHorizons(options.horizons ?? '30,60,120');
      const alignment = options.alignment ?? 'common';
      if (alignment !== 'common' && alignment !== 'each') throw new UsageError(`--alignment must be common or each, got "${alignment}"`);
      const isf = positive(options.isf, '--isf', 50);
      const carbRatio = positive(options.carbRatio, '--carb-ratio', 10);

      const file = options.in!;
      const contents = loadCgmFile(file, options);
      const evaluations: Array<{ subjectId: string; readings: number; evaluation: ForecastEvaluation }> = [];
      for (const [subjectId, readings] of groupReadingsBySubject(contents.readings)) {
        const times: number[] = [];
        const values: number[] = [];
        for (const r of readings) {
          const tMin = r.timeMs / 60_000;
          if (times.length > 0 && tMin <= times[times.length - 1]!) continue; // duplicate instant: keep the first
          times.push(tMin);
          values.push(r.glucoseMgDl);
        }
        const events = contents.events.filter((e) => e.subjectId === subjectId && e.value !== undefined);
        const context: ForecasterContext = {
          insulin: events.filter((e) => e.type.toLowerCase() === 'insulin').map((e) => ({ timeMin: e.timeMs / 60_000, units: e.value! })),
          carbs: events.filter((e) => e.type.toLowerCase() === 'carbs').map((e) => ({ timeMin: e.timeMs / 60_000, grams: e.value! })),
          oref0Profile: { isfMgDlPerU: isf, carbRatioGPerU: carbRatio },
        };
        const evaluation = evaluateForecasts(glucoseSeries(times, values), createForecasters(ids, context), { horizonsMin, alignment });
        evaluations.push({ subjectId, readings: times.length, evaluation });
      }
      const average = averageForecastEvaluations(evaluations.map((e) => e.evaluation));
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ file, format: contents.format, horizonsMin, alignment, errors: contents.errors, subjects: evaluations, average }, null, 2)}\n`,
        );
        return;
      }
      reportRowErrors(contents);
      const parts = evaluations.map(
        (e) =>
          `${e.subjectId} (${e.readings} readings, ${e.evaluation.origins} origins)\n${renderForecastTable(e.evaluation.forecasters, fullForecastColumns)}`,
      );
      if (evaluations.length > 1)
        parts.push(`mean over ${evaluations.length} subjects\n${renderForecastTable(average, fullForecastColumns)}`);
      process.stdout.write(
        `${parts.join('\n')}\nmg/dL; MARD %; Clarke A and A+B %; cover = share of references inside the forecaster's interval (nominal level in brackets)\n`,
      );
    });
}

function parseHorizons(text: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0 || v > 720)) {
    throw new UsageError(`--horizons must be comma-separated minutes in (0, 720], got "${text}"`);
  }
  return values;
}

function positive(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return v;
}
