import { writeFileSync } from 'node:fs';
import {
  type CgmMetrics,
  cgmMetricsBySubject,
  computeAgp,
  groupReadingsBySubject,
  renderAgpReportHtml,
  VitaltwinError,
} from '@vitaltwin/core';
import type { Command } from 'commander';
import { loadCgmFile, reportRowErrors } from '../cgm-file-input.ts';
import { UsageError } from '../exit-codes.ts';

interface MetricsCgmOptions {
  in?: string;
  format?: string;
  json?: boolean;
  agp?: string;
  tzOffset?: string;
  subject?: string;
  unit?: string;
  binMin?: string;
}

/** `vitaltwin metrics cgm`: consensus CGM metrics (and optionally an AGP report) from a CGM file. */
export function registerMetricsCgmCommand(program: Command): void {
  const metrics =
    program.commands.find((c) => c.name() === 'metrics') ?? program.command('metrics').description('clinical metrics from data files');
  metrics
    .command('cgm')
    .description('international-consensus CGM metrics (TIR/TBR/TAR, mean, CV, GMI, LBGI/HBGI, GRI) per subject')
    .requiredOption('--in <file>', 'CGM file: Dexcom Clarity CSV export, generic id,time,gl CSV, or HL7 CGM Bundle JSON')
    .option('--format <format>', 'auto|clarity|generic|fhir', 'auto')
    .option('--json', 'print JSON instead of a table')
    .option('--agp <out.html>', 'also write a self-contained AGP report (HTML with inline SVG)')
    .option('--tz-offset <minutes>', 'minutes east of UTC of unzoned timestamps (Clarity exports local time); default 0 = UTC')
    .option('--subject <id>', 'subject id for single-patient files (default: file name)')
    .option('--unit <unit>', 'generic CSV only: glucose unit mg/dL|mmol/L (default from the column name)')
    .option('--bin-min <minutes>', 'AGP time-of-day bin width', '15')
    .addHelpText(
      'after',
      '\nConventions: TIR 70–180 inclusive; TBR <70, <54 and TAR >180, >250 cumulative; sample SD; Low/High = 39/401 mg/dL;\nsufficient data = ≥14 days and ≥70% of possible readings (Battelino et al., Diabetes Care 2019).',
    )
    .action((options: MetricsCgmOptions) => {
      const file = options.in!;
      const contents = loadCgmFile(file, options);
      const binMin = Number(options.binMin ?? '15');
      if (!Number.isInteger(binMin) || binMin <= 0 || 1440 % binMin !== 0)
        throw new UsageError(`--bin-min must divide 1440, got "${options.binMin}"`);
      const results = cgmMetricsBySubject(contents.readings);
      if (options.agp) {
        const bySubject = groupReadingsBySubject(contents.readings);
        const html = renderAgpReportHtml(
          results.map((metrics) => ({
            metrics,
            agp: computeAgp(bySubject.get(metrics.subjectId) ?? [], { binMin, timeZoneOffsetMin: contents.timeZoneOffsetMin }),
          })),
          { source: file, generatedAt: new Date().toISOString(), timeZoneOffsetMin: contents.timeZoneOffsetMin },
        );
        try {
          writeFileSync(options.agp, html);
        } catch (error) {
          throw new VitaltwinError(
            'VT_ERR_INTERNAL',
            `cannot write ${options.agp}: ${(error as NodeJS.ErrnoException).code ?? 'write error'}`,
          );
        }
      }
      if (options.json) {
        const payload = {
          file,
          format: contents.format,
          timeZoneOffsetMin: contents.timeZoneOffsetMin,
          events: contents.events.length,
          errors: contents.errors,
          subjects: results.map((m) => ({ ...m, periodStart: iso(m.periodStartMs), periodEnd: iso(m.periodEndMs) })),
        };
        process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
      } else {
        reportRowErrors(contents);
        process.stdout.write(renderTable(results));
      }
      if (options.agp) process.stderr.write(`AGP report written to ${options.agp}\n`);
    });
}

const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

const columns: Array<[string, (m: CgmMetrics) => string]> = [
  ['days', (m) => fix(m.daysOfData, 1)],
  ['active%', (m) => fix(m.sensorActivePercent, 1)],
  ['n', (m) => String(m.n)],
  ['mean', (m) => fix(m.meanMgDl, 1)],
  ['SD', (m) => fix(m.sdMgDl, 1)],
  ['CV%', (m) => fix(m.cvPercent, 1)],
  ['GMI%', (m) => fix(m.gmiPercent, 2)],
  ['TIR%', (m) => fix(m.tirPercent, 1)],
  ['<70%', (m) => fix(m.tbrBelow70Percent, 2)],
  ['<54%', (m) => fix(m.tbrBelow54Percent, 2)],
  ['>180%', (m) => fix(m.tarAbove180Percent, 2)],
  ['>250%', (m) => fix(m.tarAbove250Percent, 2)],
  ['LBGI', (m) => fix(m.lbgi, 2)],
  ['HBGI', (m) => fix(m.hbgi, 2)],
  ['GRI', (m) => fix(m.gri, 1)],
  ['enough', (m) => (m.sufficient ? 'yes' : 'no')],
];

function fix(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

function renderTable(results: readonly CgmMetrics[]): string {
  const header = ['subject', ...columns.map(([name]) => name)];
  const rows = results.map((m) => [m.subjectId, ...columns.map(([, get]) => get(m))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const flagged = results.filter((m) => m.lowCount + m.highCount > 0).map((m) => `${m.subjectId}: ${m.lowCount} Low, ${m.highCount} High`);
  const notes = [
    'mg/dL; TIR 70-180; <70/<54/>180/>250 cumulative; enough = >=14 days and >=70% of possible readings',
    ...(flagged.length ? [`sensor Low/High counted as 39/401 mg/dL (${flagged.join('; ')})`] : []),
  ];
  return `${[line(header), ...rows.map(line)].join('\n')}\n${notes.join('\n')}\n`;
}
