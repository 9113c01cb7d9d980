import type { AgpProfile } from './agp-percentiles.ts';
import { agpColors, renderAgpSvg } from './agp-svg.ts';
import { type CgmMetrics, dataSufficiency } from './cgm-metrics.ts';
import { mgDlPerMmolL } from './cgm-reading.ts';
import { formatLocalMinute } from './cgm-timestamp.ts';
import { escapeHtml } from './html-escape.ts';
import { renderTirBarSvg } from './tir-bar-svg.ts';

/**
 * A self-contained HTML AGP report (no scripts, no external resources): per subject, the
 * consensus metrics table with goals, the time-in-ranges bar and the AGP chart, laid out after the
 * one-page AGP report of the international consensus (Battelino 2019, Fig. 1). Pure: the caller
 * supplies anything time-dependent (`generatedAt`).
 */
export interface AgpReportSubject {
  readonly metrics: CgmMetrics;
  readonly agp: AgpProfile;
}

export interface AgpReportOptions {
  readonly title?: string;
  /** Shown as the data source (e.g. the file name). */
  readonly source?: string;
  /** Shown as the generation time; omitted when not given. */
  readonly generatedAt?: string;
  /** Local-time offset used for the period dates shown. */
  readonly timeZoneOffsetMin?: number;
}

const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');

const style = `
body{font-family:Helvetica,Arial,sans-serif;color:#222;margin:24px;max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:2px solid #08306b;padding-bottom:4px}
.meta{color:#555;font-size:12px;margin-bottom:8px}
.row{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px 3px 0;text-align:left;vertical-align:top}
td.v{text-align:right;font-weight:bold;white-space:nowrap}td.g{color:#666;font-size:12px}
.warn{color:#b71c1c;font-weight:bold}.ok{color:#2e7d32}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:18px;height:10px;margin-right:4px;vertical-align:middle}
.note{color:#666;font-size:11px;margin-top:18px}
@media print{body{margin:8mm}h2{page-break-before:always}h2:first-of-type{page-break-before:auto}}
`;

export function renderAgpReportHtml(subjects: readonly AgpReportSubject[], options: AgpReportOptions = {}): string {
  const title = options.title ?? 'Ambulatory Glucose Profile';
  const meta = [
    options.source ? `Source: ${escapeHtml(options.source)}` : '',
    options.generatedAt ? `Generated ${escapeHtml(options.generatedAt)}` : '',
  ]
    .filter((s) => s !== '')
    .join(' · ');
  const sections = subjects.map((s) => renderSubject(s, options.timeZoneOffsetMin ?? 0)).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body><h1>${escapeHtml(title)}</h1>${meta ? `<div class="meta">${meta}</div>` : ''}
${sections || '<p>No CGM readings.</p>'}
<p class="note">Metrics follow the international consensus on CGM time in ranges (Battelino et al., Diabetes Care 2019;42:1593).
Goals shown are for most adults with type 1 or type 2 diabetes; older or high-risk adults: TIR &gt;50%, TBR &lt;1%.
GMI per Bergenstal et al. 2018; LBGI/HBGI per Kovatchev et al.; GRI per Klonoff et al. 2023.
Sensor "Low"/"High" readings are counted as 39/401 mg/dL. Percentile bands: 5–95% (light), 25–75% (dark), median (line).</p>
</body></html>
`;
}

function renderSubject({ metrics: m, agp }: AgpReportSubject, offsetMin: number): string {
  const subject = escapeHtml(m.subjectId);
  const period = Number.isFinite(m.periodStartMs)
    ? `${formatLocalMinute(m.periodStartMs, offsetMin)} – ${formatLocalMinute(m.periodEndMs, offsetMin)} (${fmt(m.daysOfData)} days)`
    : '–';
  const sufficiency = m.sufficient
    ? '<span class="ok">sufficient</span>'
    : `<span class="warn">insufficient (needs ≥ ${dataSufficiency.minDays} days and ≥ ${dataSufficiency.minActivePercent}% active)</span>`;
  const row = (label: string, value: string, goal = ''): string =>
    `<tr><td>${label}</td><td class="v">${value}</td><td class="g">${goal}</td></tr>`;
  const flagged = m.lowCount + m.highCount > 0 ? ` (${m.lowCount} Low, ${m.highCount} High)` : '';
  const table = `<table>
${row('Period', period)}
${row('Readings', `${m.n}${flagged}`, `every ${m.intervalMin} min`)}
${row('Sensor active', `${fmt(m.sensorActivePercent)}%`, sufficiency)}
${row('Mean glucose', `${fmt(m.meanMgDl, 0)} mg/dL`, `${fmt(m.meanMgDl / mgDlPerMmolL)} mmol/L`)}
${row('GMI', `${fmt(m.gmiPercent)}%`, `${fmt(m.gmiMmolMol, 0)} mmol/mol`)}
${row('Glucose variability (CV)', `${fmt(m.cvPercent)}%`, 'goal ≤36%')}
${row('SD', `${fmt(m.sdMgDl)} mg/dL`)}
${row('Time in range 70–180', `${fmt(m.tirPercent)}%`, 'goal &gt;70%')}
${row('Time below 70', `${fmt(m.tbrBelow70Percent)}%`, 'goal &lt;4%')}
${row('Time below 54', `${fmt(m.tbrBelow54Percent)}%`, 'goal &lt;1%')}
${row('Time above 180', `${fmt(m.tarAbove180Percent)}%`, 'goal &lt;25%')}
${row('Time above 250', `${fmt(m.tarAbove250Percent)}%`, 'goal &lt;5%')}
${row('LBGI / HBGI', `${fmt(m.lbgi, 2)} / ${fmt(m.hbgi, 2)}`)}
${row('Glycemia Risk Index', fmt(m.gri), `hypo ${fmt(m.griHypoComponent)}, hyper ${fmt(m.griHyperComponent)}`)}
</table>`;
  const legend = `<div class="legend"><span><i style="background:${agpColors.outerBand}"></i>5–95%</span><span><i style="background:${agpColors.innerBand}"></i>25–75%</span><span><i style="background:${agpColors.median};height:3px"></i>median</span><span><i style="background:${agpColors.target}"></i>target 70–180 mg/dL</span></div>`;
  return `<h2>${subject}</h2>
<div class="row"><div>${table}</div><div>${renderTirBarSvg(m)}</div></div>
<h3 style="font-size:14px;margin:16px 0 4px">Ambulatory glucose profile (${agp.binMin}-min bins, all days overlaid)</h3>
${legend}
${renderAgpSvg(agp, `AGP for ${m.subjectId}`)}`;
}
