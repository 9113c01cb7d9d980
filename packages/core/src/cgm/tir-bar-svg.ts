import type { CgmMetrics } from './cgm-metrics.ts';
import { escapeHtml } from './html-escape.ts';

/**
 * The consensus "time in ranges" stacked bar (Battelino 2019, Fig. 1): five segments from very low
 * (bottom) to very high (top), each labelled with its percentage and the adult T1D/T2D goal from
 * the consensus table (clinical-references doc).
 */
export const tirColors = {
  veryHigh: '#ef6c00',
  high: '#fbc02d',
  inRange: '#43a047',
  low: '#e53935',
  veryLow: '#8e0000',
} as const;

interface Segment {
  readonly label: string;
  readonly percent: number;
  readonly goal: string;
  readonly color: string;
}

const barX = 12;
const barW = 44;
const barTop = 12;
const barH = 280;
const minSegmentPx = 3;

export function renderTirBarSvg(m: CgmMetrics): string {
  const segments: Segment[] = [
    { label: 'Very high >250', percent: m.tarAbove250Percent, goal: '<5%', color: tirColors.veryHigh },
    { label: 'High 181–250', percent: m.tarLevel1Percent, goal: '>180: <25%', color: tirColors.high },
    { label: 'In range 70–180', percent: m.tirPercent, goal: '>70%', color: tirColors.inRange },
    { label: 'Low 54–69', percent: m.tbrLevel1Percent, goal: '<70: <4%', color: tirColors.low },
    { label: 'Very low <54', percent: m.tbrBelow54Percent, goal: '<1%', color: tirColors.veryLow },
  ];
  const valid = segments.every((s) => Number.isFinite(s.percent));
  // Non-zero segments get a few pixels so a 0.3 % very-low share stays visible.
  const raw = segments.map((s) => (valid ? (s.percent / 100) * barH : 0));
  const heights = raw.map((h, i) => (segments[i]!.percent > 0 ? Math.max(minSegmentPx, h) : 0));
  const scale = heights.reduce((a, b) => a + b, 0) > 0 ? barH / heights.reduce((a, b) => a + b, 0) : 0;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 ${barTop * 2 + barH}" width="300" height="${barTop * 2 + barH}" role="img" aria-label="time in ranges" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  ];
  let y = barTop;
  segments.forEach((s, i) => {
    const h = heights[i]! * scale;
    if (h > 0) parts.push(`<rect x="${barX}" y="${y.toFixed(1)}" width="${barW}" height="${h.toFixed(1)}" fill="${s.color}"/>`);
    const labelY = barTop + (barH / segments.length) * (i + 0.5) + 4;
    const pct = Number.isFinite(s.percent) ? `${s.percent.toFixed(1)}%` : '–';
    parts.push(
      `<text x="${barX + barW + 12}" y="${(labelY - 3).toFixed(1)}" fill="#222"><tspan font-weight="bold">${pct}</tspan>\u00a0 ${escapeHtml(s.label)}</text>`,
      `<text x="${barX + barW + 12}" y="${(labelY + 12).toFixed(1)}" fill="#777" font-size="11">goal ${escapeHtml(s.goal)}</text>`,
    );
    y += h;
  });
  parts.push(`<rect x="${barX}" y="${barTop}" width="${barW}" height="${barH}" fill="none" stroke="#555" stroke-width="0.8"/>`, '</svg>');
  return parts.join('');
}
