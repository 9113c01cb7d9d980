import { readFileSync, writeFileSync } from 'node:fs';
import { groupReadingsBySubject, VitaltwinError } from '@vitaltwin/core';
import { loadUvaPadovaData } from '@vitaltwin/platform';
import {
  GlucoseTwinEstimator,
  glucoseTwinInfo,
  glucoseTwinSettings,
  normaliseTreatmentLog,
  parseWhatIfOptions,
  populationNominalPatient,
  SimInputError,
  simulateWhatIf,
  steadyBasalUPerMin,
  summarizeTwinEstimate,
  type TreatmentLog,
  uvaPatientsOfGroup,
  type WhatIfOutcome,
} from '@vitaltwin/sim';
import type { Command } from 'commander';
import { loadCgmFile, parseTimeZoneOffset, reportRowErrors } from '../cgm-file-input.ts';
import { UsageError } from '../exit-codes.ts';
import { treatmentLogFromCgmEvents, treatmentLogFromJson } from '../treatment-log-file.ts';

interface WhatIfCliOptions {
  cgm: string;
  log?: string;
  options: string;
  json?: boolean;
  out?: string;
  format?: string;
  tzOffset?: string;
  subject?: string;
  unit?: string;
  basal?: string;
  horizon?: string;
  members?: string;
  seed?: string;
}

const minimumReadings = 12;

/** `vitaltwin twin whatif`: personalise the glucose twin on a CGM file and compare treatment options. */
export function registerTwinCommand(program: Command): void {
  const twin = program.commands.find((c) => c.name() === 'twin') ?? program.command('twin').description('personal glucose twin');
  twin
    .command('whatif')
    .description('fit the glucose twin to a CGM file (+ treatment log) and compare what-if options: glucose bands and hypo/hyper risks')
    .requiredOption('--cgm <file>', 'CGM file: Dexcom Clarity CSV export, generic id,time,gl CSV, or HL7 CGM Bundle JSON')
    .option('--log <file>', 'treatment log JSON {"basal":[{"time","uPerH"}],"boluses":[{"time","units"}],"meals":[{"time","carbsG"}]}')
    .requiredOption('--options <file>', 'what-if options JSON: [{"label":"bolus 4 U now","boluses":[{"inMin":0,"units":4}]}, ...]')
    .option('--json', 'print the full result as JSON')
    .option('--out <file>', 'write the bands as CSV (label,minute,time,p5,p25,p50,p75,p95)')
    .option('--format <format>', 'CGM file format: auto|clarity|generic|fhir', 'auto')
    .option('--tz-offset <minutes>', 'minutes east of UTC of unzoned timestamps; default 0 = UTC')
    .option('--subject <id>', 'subject to use when the file holds several (default: the only one)')
    .option('--unit <unit>', 'generic CSV only: glucose unit mg/dL|mmol/L')
    .option('--basal <U/h>', "the person's usual basal rate (default: from the log)")
    .option('--horizon <minutes>', 'simulation horizon in minutes (5..1440)', '240')
    .option('--members <n>', 'ensemble members per option (10..2000)', '100')
    .option('--seed <n>', 'random seed', '1')
    .addHelpText(
      'after',
      [
        '',
        'Options JSON: a list (or {"options": [...]}) of {"label", "boluses":[{"inMin","units"}],',
        '  "meals":[{"inMin","carbsG"}], "basal":[{"fromMin","toMin","basalUPerH" | "basalUPerMin"}]};',
        '  times are minutes from the last CGM reading. A "no change" option is added first.',
        'Without --log, insulin and carbs recorded in a Clarity export are used.',
      ].join('\n'),
    )
    .action((options: WhatIfCliOptions) => {
      const horizonMin = intIn(options.horizon, '--horizon', 5, 1440);
      const members = intIn(options.members, '--members', 10, 2000);
      const seed = intIn(options.seed, '--seed', 0, Number.MAX_SAFE_INTEGER);
      const basalUPerH = options.basal === undefined ? undefined : positive(options.basal, '--basal');
      const whatIf = readOptions(options.options, horizonMin);

      const contents = loadCgmFile(options.cgm, options);
      const bySubject = groupReadingsBySubject(contents.readings);
      const subjectId = options.subject ?? (bySubject.size === 1 ? [...bySubject.keys()][0]! : undefined);
      if (subjectId === undefined)
        throw new UsageError(
          `${options.cgm} holds ${bySubject.size} subjects; choose one with --subject (${[...bySubject.keys()].slice(0, 5).join(', ')})`,
        );
      const readings = bySubject.get(subjectId);
      if (!readings) throw new UsageError(`--subject: no readings for "${subjectId}" in ${options.cgm}`);
      if (readings.length < minimumReadings) {
        throw new VitaltwinError(
          'VT_ERR_VALIDATION',
          `${options.cgm}: ${readings.length} readings for ${subjectId}; the twin needs at least ${minimumReadings}`,
        );
      }
      const log = normaliseTreatmentLog(
        options.log !== undefined
          ? treatmentLogFromJson(readJson(options.log), parseTimeZoneOffset(options.tzOffset), options.log)
          : treatmentLogFromCgmEvents(contents.events.filter((e) => e.subjectId === subjectId)),
      );

      const data = loadUvaPadovaData();
      const nominal = populationNominalPatient(
        uvaPatientsOfGroup(
          data.patients.map((p) => p.params),
          'adult',
        ),
        { name: 'population-adult' },
      );
      const settings = glucoseTwinSettings(nominal, basalUPerH !== undefined ? { referenceBasalUPerMin: basalUPerH / 60 } : {});
      const estimator = new GlucoseTwinEstimator(settings, log);
      for (const r of readings) estimator.assimilate(r.timeMs / 60_000, r.glucoseMgDl);
      const outcomes = simulateWhatIf(estimator, { options: whatIf, horizonMin, members, seed });
      const estimate = summarizeTwinEstimate(estimator);
      const originMs = estimator.lastReadingMin * 60_000;
      const noBasal = basalUPerH === undefined && log.basal.length === 0;

      if (options.out) writeFileSync(options.out, bandsCsv(outcomes, originMs));
      if (options.json) {
        const provenance = {
          twin: glucoseTwinInfo,
          nominalPatient: nominal.name,
          members,
          seed,
          horizonMin,
          cgm: options.cgm,
          log: options.log ?? null,
        };
        process.stdout.write(
          `${JSON.stringify({ subjectId, origin: new Date(originMs).toISOString(), readings: readings.length, estimate, outcomes, provenance }, null, 2)}\n`,
        );
        return;
      }
      reportRowErrors(contents);
      if (noBasal) {
        process.stderr.write(
          `no basal rate in the log: assuming the population adult's ${(steadyBasalUPerMin(nominal) * 60).toFixed(2)} U/h (give --basal)\n`,
        );
      }
      process.stdout.write(renderReport(subjectId, readings.length, originMs, estimate, log, outcomes, horizonMin, members));
      if (options.out) process.stdout.write(`bands written to ${options.out}\n`);
    });
}

function intIn(text: string | undefined, flag: string, min: number, max: number): number {
  const v = Number(text);
  if (text === undefined || !Number.isInteger(v) || v < min || v > max)
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got "${text}"`);
  return v;
}

function positive(text: string, flag: string): number {
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return v;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new VitaltwinError('VT_ERR_NOT_FOUND', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new VitaltwinError('VT_ERR_VALIDATION', `${file}: not valid JSON`);
  }
}

function readOptions(file: string, horizonMin: number) {
  const json = readJson(file);
  const list =
    typeof json === 'object' && json !== null && !Array.isArray(json) && 'options' in json ? (json as { options: unknown }).options : json;
  try {
    return parseWhatIfOptions(list, horizonMin);
  } catch (error) {
    if (!(error instanceof SimInputError)) throw error;
    throw new VitaltwinError(
      'VT_ERR_VALIDATION',
      `${file}: ${error.message}`,
      error.problems.map((p) => ({ message: p.message, expression: p.path })),
    );
  }
}

function bandsCsv(outcomes: readonly WhatIfOutcome[], originMs: number): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = ['label,minute,time,p5,p25,p50,p75,p95'];
  for (const o of outcomes) {
    const b = o.bands;
    b.timesMin.forEach((m, k) => {
      const v = [b.p5[k]!, b.p25[k]!, b.p50[k]!, b.p75[k]!, b.p95[k]!].map((x) => x.toFixed(1));
      lines.push([quote(o.label), String(m), new Date(originMs + m * 60_000).toISOString(), ...v].join(','));
    });
  }
  return `${lines.join('\n')}\n`;
}

function renderReport(
  subjectId: string,
  readings: number,
  originMs: number,
  estimate: ReturnType<typeof summarizeTwinEstimate>,
  log: TreatmentLog,
  outcomes: readonly WhatIfOutcome[],
  horizonMin: number,
  members: number,
): string {
  const f0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-');
  const pct = (p: number) => `${(100 * p).toFixed(0)}%`;
  const scale = (s: { median: number; lower90: number; upper90: number }) =>
    `×${s.median.toFixed(2)} (90% ${s.lower90.toFixed(2)}–${s.upper90.toFixed(2)})`;
  const head = [
    `glucose twin of ${subjectId}: ${readings} CGM readings, ${log.boluses.length} boluses, ${log.meals.length} meals; now = ${new Date(originMs).toISOString()}`,
    `  plasma glucose now ${f0(estimate.plasmaGlucoseMgDl)} ± ${f0(estimate.plasmaGlucoseSdMgDl)} mg/dL; insulin sensitivity ${scale(estimate.insulinSensitivityScale)}, ` +
      `≈ ${estimate.effective.insulinSensitivityMgDlPerU.toFixed(1)} mg/dL per U; carb effect ${scale(estimate.carbEffectScale)}, ` +
      `≈ ${estimate.effective.carbSensitivityMgDlPerG.toFixed(2)} mg/dL per g`,
    '',
  ];
  const marks = [60, 120, horizonMin].filter((m, i, a) => m <= horizonMin && a.indexOf(m) === i);
  const header = ['option', ...marks.map((m) => `+${m}min`), 'nadir', 'peak', 'P<70', 'P<54', 'P>180', 'P>250', 'min<70', 'min>180'];
  const rows = outcomes.map((o) => [
    o.label,
    ...marks.map((m) => {
      const k = o.bands.timesMin.indexOf(m);
      return k < 0 ? '-' : `${f0(o.bands.p50[k]!)} (${f0(o.bands.p5[k]!)}–${f0(o.bands.p95[k]!)})`;
    }),
    f0(o.risk.medianNadirMgDl),
    f0(o.risk.medianPeakMgDl),
    pct(o.risk.pBelow70),
    pct(o.risk.pBelow54),
    pct(o.risk.pAbove180),
    pct(o.risk.pAbove250),
    f0(o.risk.minutesBelow70),
    f0(o.risk.minutesAbove180),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const foot = [
    '',
    `plasma glucose in mg/dL: median (5–95 %) of ${members} ensemble members; nadir/peak = medians of each member's extremes;`,
    `P = share of members reaching the range at any 5-min point within ${horizonMin} min; min = expected minutes in the range.`,
    'A simulation of a model fitted to past data, not a dosing recommendation.',
  ];
  return `${[...head, line(header), ...rows.map(line), ...foot].join('\n')}\n`;
}
