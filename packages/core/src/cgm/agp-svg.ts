import type { AgpProfile } from './agp-percentiles.ts';
import { glucoseThresholdsMgDl } from './glucose-ranges.ts';
import { escapeHtml } from './html-escape.ts';

/**
 * The AGP chart as an inline SVG string: time of day on x (00:00–24:00), glucose on y
 * (0–400 mg/dL, linear), the 70–180 target range shaded with its edges drawn, dashed lines at 54
 * and 250, the 5–95 % band, the 25–75 % band and the median line, styled after the consensus AGP
 * report (Battelino 2019, Fig. 1). Curves are drawn through bin centres and wrap around midnight;
 * empty bins break the curves instead of being bridged.
 */
export const agpColors = {
  outerBand: '#c6dbef',
  innerBand: '#6baed6',
  median: '#08306b',
  target: '#e5f5e0',
  targetEdge: '#2e7d32',
  veryLow: '#b71c1c',
  veryHigh: '#ef6c00',
  grid: '#d0d0d0',
  text: '#333333',
} as const;

const width = 760;
const height = 320;
const margin = { left: 48, right: 44, top: 12, bottom: 30 } as const;
const yMaxMgDl = 400;
const plotW = width - margin.left - margin.right;
const plotH = height - margin.top - margin.bottom;

const xOf = (minute: number): number => margin.left + (minute / 1440) * plotW;
const yOf = (mgDl: number): number => margin.top + (1 - Math.min(yMaxMgDl, Math.max(0, mgDl)) / yMaxMgDl) * plotH;
const f1 = (v: number): string => v.toFixed(1);

/** Runs of consecutive finite bins as point lists (x = bin centre), wrapped around midnight. */
function runs(agp: AgpProfile, lower: Float64Array, upper: Float64Array): Array<Array<[number, number, number]>> {
  const n = lower.length;
  const finite = (i: number): boolean => !Number.isNaN(lower[i]!) && !Number.isNaN(upper[i]!);
  const point = (i: number): [number, number, number] => [agp.binStartMin[i]! + agp.binMin / 2, lower[i]!, upper[i]!];
  const out: Array<Array<[number, number, number]>> = [];
  let current: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (finite(i)) current.push(point(i));
    else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  // Close the day: when the first and last bins both have data, extend both ends to the midnight
  // edges with the value halfway between them.
  if (n > 1 && finite(0) && finite(n - 1) && out.length > 0) {
    const mid = (a: number, b: number): number => (a + b) / 2;
    const lo = mid(lower[0]!, lower[n - 1]!);
    const hi = mid(upper[0]!, upper[n - 1]!);
    out[0]!.unshift([0, lo, hi]);
    out[out.length - 1]!.push([1440, lo, hi]);
  }
  return out;
}

function bandPaths(agp: AgpProfile, lower: Float64Array, upper: Float64Array, fill: string): string {
  return runs(agp, lower, upper)
    .map((run) => {
      const top = run.map(([m, , hi]) => `${f1(xOf(m))},${f1(yOf(hi))}`);
      const bottom = run.map(([m, lo]) => `${f1(xOf(m))},${f1(yOf(lo))}`).reverse();
      return `<path d="M${[...top, ...bottom].join('L')}Z" fill="${fill}" stroke="none"/>`;
    })
    .join('');
}

function linePaths(agp: AgpProfile, curve: Float64Array, stroke: string): string {
  return runs(agp, curve, curve)
    .map(
      (run) =>
        `<path d="M${run.map(([m, v]) => `${f1(xOf(m))},${f1(yOf(v))}`).join('L')}" fill="none" stroke="${stroke}" stroke-width="2.5"/>`,
    )
    .join('');
}

export function renderAgpSvg(agp: AgpProfile, ariaLabel: string): string {
  const { veryLow, low, high, veryHigh } = glucoseThresholdsMgDl;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(ariaLabel)}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  );
  parts.push(
    `<rect x="${margin.left}" y="${f1(yOf(high))}" width="${plotW}" height="${f1(yOf(low) - yOf(high))}" fill="${agpColors.target}"/>`,
  );
  for (let h = 0; h <= 24; h += 3) {
    const x = f1(xOf(h * 60));
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="${agpColors.grid}" stroke-width="0.5"/>`);
    parts.push(`<text x="${x}" y="${height - 10}" text-anchor="middle" fill="${agpColors.text}">${String(h).padStart(2, '0')}:00</text>`);
  }
  parts.push(bandPaths(agp, agp.p5, agp.p95, agpColors.outerBand));
  parts.push(bandPaths(agp, agp.p25, agp.p75, agpColors.innerBand));
  parts.push(linePaths(agp, agp.p50, agpColors.median));
  const hLine = (mgDl: number, stroke: string, dash: boolean): string =>
    `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f1(yOf(mgDl))}" y2="${f1(yOf(mgDl))}" stroke="${stroke}" stroke-width="1.2"${dash ? ' stroke-dasharray="5,4"' : ''}/>` +
    `<text x="${margin.left + plotW + 4}" y="${f1(yOf(mgDl) + 4)}" fill="${stroke}">${mgDl}</text>`;
  parts.push(hLine(veryLow, agpColors.veryLow, true), hLine(low, agpColors.targetEdge, false), hLine(high, agpColors.targetEdge, false));
  parts.push(hLine(veryHigh, agpColors.veryHigh, true));
  for (const tick of [0, 100, 200, 300, 400]) {
    parts.push(`<text x="${margin.left - 6}" y="${f1(yOf(tick) + 4)}" text-anchor="end" fill="${agpColors.text}">${tick}</text>`);
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888" stroke-width="0.8"/>`,
  );
  parts.push(
    `<text x="12" y="${margin.top + plotH / 2}" transform="rotate(-90 12 ${margin.top + plotH / 2})" text-anchor="middle" fill="${agpColors.text}">mg/dL</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
