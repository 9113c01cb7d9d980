import { renderAgpSvg } from '@vitaltwin/core';
import type { AgpHistogram } from '../agp-histogram.ts';
import type { PatientResult } from '../shard-runner.ts';
import { type EndpointId, endpointInfo } from '../trial-endpoints.ts';
import type { TrialProtocol } from '../trial-protocol-schema.ts';
import type { TrialSummary } from '../trial-summary.ts';
import { renderBoxStripSvg } from './box-strip-svg.ts';
import { renderForestPlotSvg } from './forest-plot-svg.ts';
import { escapeXml, formatNumber, formatP } from './svg-text.ts';

/**
 * The self-contained trial report (no scripts, no external resources, inline SVG): protocol facts and
 * provenance, the endpoint table with 95 % intervals, per comparison a forest plot and a table with
 * p-values and the sample size of a real trial, the distribution of every endpoint per arm, and the
 * AGP of each arm (core `renderAgpSvg`). Pure function of its inputs: no timestamp, so equal trials
 * give byte-identical reports.
 */
const style = `body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:right}
th:first-child,td:first-child{text-align:left}.muted{color:#666;font-size:12px}.sig{font-weight:bold}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;font-size:13px}dt{color:#555}
.grid{display:flex;flex-wrap:wrap;gap:12px}`;

function populationText(protocol: TrialProtocol, patients: number): string {
  const p = protocol.population;
  switch (p.source) {
    case 'simglucose':
      return `${patients} simglucose UVA/Padova patients${p.groups ? ` (${p.groups.join(', ')})` : ''}`;
    case 'generated':
      return `${patients} virtual patients, multivariate log-normal fitted ${p.fit === 'pooled' ? 'to all 30' : 'per age group to the 30'} simglucose patients (seed ${p.seed}, shrinkage ${p.shrinkage})`;
    default: {
      const unreachable: never = p;
      return String(unreachable);
    }
  }
}

export function renderTrialReportHtml(
  protocol: TrialProtocol,
  summary: TrialSummary,
  agp: ReadonlyMap<string, AgpHistogram>,
  patients: readonly PatientResult[],
): string {
  const endpoints = Object.keys(summary.endpoints) as EndpointId[];
  const out: string[] = [];
  out.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(`Trial ${protocol.name}`)}</title><style>${style}</style></head><body>`,
  );
  out.push(`<h1>In-silico trial: ${escapeXml(protocol.name)}</h1>`);
  if (protocol.description) out.push(`<p>${escapeXml(protocol.description)}</p>`);
  const model = summary.provenance['model'] as { id: string; version: string } | undefined;
  const facts: [string, string][] = [
    [
      'Design',
      `${protocol.design}${protocol.design === 'crossover' && protocol.commonRandomNumbers ? ' (common random numbers: same meals and sensor noise in every arm)' : ''}`,
    ],
    ['Population', populationText(protocol, summary.patients)],
    [
      'Duration',
      `${protocol.days} day(s) evaluated per patient and arm${protocol.warmupDays ? ` after ${protocol.warmupDays} warm-up day(s)` : ''}; ${summary.patientDays} patient-days simulated`,
    ],
    [
      'Meals',
      protocol.scenario.type === 'random' ? 'random daily meals (simglucose RandomScenario table unless overridden)' : 'fixed daily meals',
    ],
    ['Devices', `${protocol.sensor} CGM, ${protocol.pump === 'none' ? 'no pump limits' : `${protocol.pump} pump`}`],
    ['Endpoint signal', summary.endpointSignalNote],
    ['Model', model ? `${model.id} ${model.version}; solver ${protocol.solver.method}, ${protocol.solver.stepsPerMinute} step(s)/min` : ''],
    ['Seed / protocol hash', `${protocol.seed} / ${summary.protocol.hash}`],
  ];
  out.push(`<dl>${facts.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`).join('')}</dl>`);
  out.push(
    `<h3>Arms</h3><ul>${protocol.arms.map((a) => `<li><b>${escapeXml(a.name)}</b>: ${escapeXml(a.description ?? JSON.stringify(a.controller))}</li>`).join('')}</ul>`,
  );

  out.push('<h2>Endpoints by arm</h2><table><tr><th>Endpoint</th>');
  for (const a of summary.arms) out.push(`<th>${escapeXml(a.name)} (n = ${a.n})<br><span class="muted">mean [95 % CI]</span></th>`);
  out.push('</tr>');
  for (const e of endpoints) {
    const info = endpointInfo[e];
    out.push(`<tr><td>${escapeXml(info.label)}${info.unit ? ` <span class="muted">${escapeXml(info.unit)}</span>` : ''}</td>`);
    for (const a of summary.arms) {
      const s = a.endpoints[e];
      out.push(`<td>${s ? `${formatNumber(s.mean)} [${formatNumber(s.ci95[0])}, ${formatNumber(s.ci95[1])}]` : '–'}</td>`);
    }
    out.push('</tr>');
  }
  out.push('</table>');

  const byPair = new Map<string, typeof summary.comparisons>();
  for (const c of summary.comparisons) {
    const key = `${c.arms[0]} vs ${c.arms[1]}`;
    byPair.set(key, [...(byPair.get(key) ?? []), c]);
  }
  for (const [key, rows] of byPair) {
    const first = rows[0]!;
    out.push(`<h2>${escapeXml(key)}</h2>`);
    out.push(
      `<p class="muted">Difference ${escapeXml(first.arms[0])} − ${escapeXml(first.arms[1])}; ${first.paired ? 'paired (crossover)' : 'unpaired (parallel)'}; 95 % interval by ${first.ciMethod === 't' ? 't' : 'percentile bootstrap'}; p from ${escapeXml(first.test)}; α = ${first.planning.alpha}.</p>`,
    );
    out.push(renderForestPlotSvg(rows, `Forest plot ${key}`));
    const powers = first.planning.sampleSize.map((s) => s.power);
    out.push(
      `<table><tr><th>Endpoint</th><th>Mean diff</th><th>95 % CI</th><th>p</th><th>${first.paired ? 'Wilcoxon' : 'Mann–Whitney'} p</th>`,
    );
    for (const pw of powers)
      out.push(`<th>n for ${Math.round(pw * 100)} % power<br><span class="muted">${first.paired ? 'crossover' : 'per arm'}</span></th>`);
    if (first.planning.parallelSampleSize) {
      for (const pw of powers) out.push(`<th>n for ${Math.round(pw * 100)} % power<br><span class="muted">parallel, per arm</span></th>`);
    }
    out.push('</tr>');
    for (const r of rows) {
      const info = endpointInfo[r.endpoint as EndpointId];
      out.push(
        `<tr><td>${escapeXml(info.label)}</td><td class="${r.significant ? 'sig' : ''}">${formatNumber(r.meanDiff)}</td><td>[${formatNumber(r.ci95[0])}, ${formatNumber(r.ci95[1])}]</td><td class="${r.significant ? 'sig' : ''}">${formatP(r.pValue)}</td><td>${formatP(r.tests.rank.pValue)}</td>`,
      );
      for (const s of [...r.planning.sampleSize, ...(r.planning.parallelSampleSize ?? [])])
        out.push(`<td>${s.n === null ? '∞' : s.n}</td>`);
      out.push('</tr>');
    }
    out.push('</table>');
  }

  out.push('<h2>Endpoint distributions</h2><div class="grid">');
  for (const e of endpoints) {
    const info = endpointInfo[e];
    const arms = protocol.arms.map((a) => ({
      name: a.name,
      values: Float64Array.from(patients.flatMap((p) => p.arms.filter((r) => r.arm === a.name).map((r) => r.endpoints[e]))),
    }));
    out.push(`<figure><figcaption>${escapeXml(info.label)}</figcaption>${renderBoxStripSvg(info.label, info.unit, arms)}</figure>`);
  }
  out.push('</div>');

  out.push(
    '<h2>Ambulatory glucose profile per arm</h2><p class="muted">All evaluated days of all patients of the arm overlaid on one day: median, 25–75 % and 5–95 % bands, 15-minute bins.</p>',
  );
  for (const a of protocol.arms) {
    const h = agp.get(a.name);
    if (!h) continue;
    out.push(`<h3>${escapeXml(a.name)}</h3>${renderAgpSvg(h.toProfile(), `AGP ${a.name}`)}`);
  }
  out.push(
    '<p class="muted">Generated by Vitaltwin. In-silico results describe the model population; they do not replace a clinical trial.</p></body></html>\n',
  );
  return out.join('');
}
