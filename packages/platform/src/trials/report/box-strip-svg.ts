import { escapeXml, f1, formatNumber } from './svg-text.ts';

/**
 * Distribution of one endpoint across patients, one column per arm: a box from the 25th to the 75th
 * percentile with the median line, whiskers to the most extreme values within 1.5 IQR (Tukey 1977),
 * the mean as a diamond, and a strip of individual patients (at most `maxPoints` per arm, an evenly
 * spaced subset in patient order, horizontally jittered by a fixed pattern so the plot is reproducible).
 */
const height = 220;
const top = 16;
const bottom = 36;
const left = 56;
const colW = 130;
const maxPoints = 300;

function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(sorted.length - 1, lo + 1)]! - sorted[lo]!);
}

export function renderBoxStripSvg(title: string, unit: string, arms: readonly { name: string; values: Float64Array }[]): string {
  const width = left + colW * arms.length + 20;
  const finite = arms.flatMap((a) => Array.from(a.values).filter(Number.isFinite));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const plotH = height - top - bottom;
  const y = (v: number): number => top + (1 - (v - lo) / (hi - lo)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${left - 6}" y="${f1(y(v) + 4)}" text-anchor="end" fill="#333">${formatNumber(v)}</text>`);
  }
  parts.push(
    `<text x="12" y="${top + plotH / 2}" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle" fill="#333">${escapeXml(unit)}</text>`,
  );
  arms.forEach((arm, i) => {
    const cx = left + colW * i + colW / 2;
    const sorted = Float64Array.from(Array.from(arm.values).filter(Number.isFinite)).sort((a, b) => a - b);
    parts.push(`<text x="${cx}" y="${height - 12}" text-anchor="middle" fill="#222">${escapeXml(arm.name)}</text>`);
    if (sorted.length === 0) return;
    const q1 = quantile(sorted, 0.25);
    const q2 = quantile(sorted, 0.5);
    const q3 = quantile(sorted, 0.75);
    const iqr = q3 - q1;
    const wLo = sorted.find((v) => v >= q1 - 1.5 * iqr) ?? sorted[0]!;
    let wHi = sorted[sorted.length - 1]!;
    for (let k = sorted.length - 1; k >= 0; k--) {
      if (sorted[k]! <= q3 + 1.5 * iqr) {
        wHi = sorted[k]!;
        break;
      }
    }
    const stride = Math.max(1, Math.ceil(arm.values.length / maxPoints));
    for (let k = 0; k < arm.values.length; k += stride) {
      const v = arm.values[k]!;
      if (!Number.isFinite(v)) continue;
      const jitter = (((k * 7919) % 97) / 96 - 0.5) * 36;
      parts.push(`<circle cx="${f1(cx + 30 + jitter * 0.5)}" cy="${f1(y(v))}" r="1.8" fill="#6baed6" fill-opacity="0.55"/>`);
    }
    const bx = cx - 40;
    parts.push(`<line x1="${cx - 20}" x2="${cx - 20}" y1="${f1(y(wLo))}" y2="${f1(y(wHi))}" stroke="#333"/>`);
    parts.push(`<rect x="${bx}" y="${f1(y(q3))}" width="40" height="${f1(Math.max(0.5, y(q1) - y(q3)))}" fill="#deebf7" stroke="#333"/>`);
    parts.push(`<line x1="${bx}" x2="${bx + 40}" y1="${f1(y(q2))}" y2="${f1(y(q2))}" stroke="#08306b" stroke-width="2"/>`);
    const m = sorted.reduce((s, v) => s + v, 0) / sorted.length;
    parts.push(`<path d="M${f1(cx - 20)},${f1(y(m) - 4)}l4,4l-4,4l-4,-4Z" fill="#c62828"/>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
