import { type EndpointId, endpointInfo } from '../trial-endpoints.ts';
import type { ComparisonSummary } from '../trial-summary.ts';
import { escapeXml, f1, formatNumber } from './svg-text.ts';

/**
 * Forest plot of one comparison: one row per endpoint with the mean difference (treatment − reference)
 * and its 95 % interval. Endpoints have different units, so each row has its own symmetric scale
 * around zero (the dashed line); the numbers are printed beside the row. Colour: green when the
 * interval excludes 0 on the clinically better side, red on the worse side, grey otherwise.
 */
const width = 760;
const rowH = 26;
const labelW = 170;
const plotW = 330;
const textX = labelW + plotW + 16;

export function renderForestPlotSvg(rows: readonly ComparisonSummary[], title: string): string {
  const height = rowH * rows.length + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  ];
  const zeroX = labelW + plotW / 2;
  parts.push(`<text x="${zeroX}" y="14" text-anchor="middle" fill="#555">← lower · difference · higher →</text>`);
  parts.push(`<line x1="${zeroX}" x2="${zeroX}" y1="20" y2="${height - 8}" stroke="#888" stroke-dasharray="4,3"/>`);
  rows.forEach((r, i) => {
    const y = 30 + i * rowH + rowH / 2;
    const info = endpointInfo[r.endpoint as EndpointId];
    const [lo, hi] = r.ci95;
    const span = Math.max(Math.abs(lo ?? 0), Math.abs(hi ?? 0), Math.abs(r.meanDiff), 1e-9) * 1.15;
    const x = (v: number): number => zeroX + (v / span) * (plotW / 2);
    let colour = '#777';
    if (Number.isFinite(lo) && Number.isFinite(hi) && (lo > 0 || hi < 0) && info.better) {
      const higher = lo > 0;
      colour = (info.better === 'higher') === higher ? '#2e7d32' : '#c62828';
    }
    const unit = info.unit ? ` ${info.unit}` : '';
    parts.push(`<text x="${labelW - 8}" y="${f1(y + 4)}" text-anchor="end" fill="#222">${escapeXml(info.label)}</text>`);
    if (Number.isFinite(lo) && Number.isFinite(hi)) {
      parts.push(`<line x1="${f1(x(lo))}" x2="${f1(x(hi))}" y1="${f1(y)}" y2="${f1(y)}" stroke="${colour}" stroke-width="2"/>`);
      parts.push(`<line x1="${f1(x(lo))}" x2="${f1(x(lo))}" y1="${f1(y - 5)}" y2="${f1(y + 5)}" stroke="${colour}" stroke-width="2"/>`);
      parts.push(`<line x1="${f1(x(hi))}" x2="${f1(x(hi))}" y1="${f1(y - 5)}" y2="${f1(y + 5)}" stroke="${colour}" stroke-width="2"/>`);
    }
    if (Number.isFinite(r.meanDiff))
      parts.push(`<rect x="${f1(x(r.meanDiff) - 4)}" y="${f1(y - 4)}" width="8" height="8" fill="${colour}"/>`);
    parts.push(
      `<text x="${textX}" y="${f1(y + 4)}" fill="#222">${escapeXml(`${formatNumber(r.meanDiff)}${unit} [${formatNumber(lo)}, ${formatNumber(hi)}]`)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
