import { describe, expect, it } from 'vitest';
import { computeAgp } from './agp-percentiles.ts';
import { renderAgpReportHtml } from './agp-report.ts';
import { computeCgmMetrics } from './cgm-metrics.ts';
import type { CgmReading } from './cgm-reading.ts';

const t0 = Date.UTC(2024, 0, 1);

function readings(subjectId: string): CgmReading[] {
  return Array.from({ length: 3 * 288 }, (_, i) => ({
    subjectId,
    timeMs: t0 + i * 300_000,
    glucoseMgDl: 120 + 60 * Math.sin((2 * Math.PI * i) / 288),
  }));
}

function report(subjectId: string): string {
  const r = readings(subjectId);
  return renderAgpReportHtml([{ metrics: computeCgmMetrics(r), agp: computeAgp(r) }], {
    source: 'export.csv',
    generatedAt: '2024-01-04T00:00:00Z',
  });
}

describe('renderAgpReportHtml', () => {
  const html = report('patient-1');

  it('is one self-contained HTML document: no scripts, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/i);
  });

  it('holds the AGP chart and the TIR bar as inline SVG with balanced tags', () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<\/svg>/g)).toHaveLength(2);
    // percentile bands (two filled paths) and the median line
    expect(html).toMatch(/<path d="M[^"]+Z" fill="#c6dbef"/);
    expect(html).toMatch(/<path d="M[^"]+Z" fill="#6baed6"/);
    expect(html).toMatch(/<path d="M[^"]+" fill="none" stroke="#08306b"/);
    // threshold lines labelled 54, 70, 180, 250
    for (const t of ['>54<', '>70<', '>180<', '>250<']) expect(html).toContain(t);
  });

  it('shows the metrics a clinician reads, with goals and the sufficiency warning', () => {
    const m = computeCgmMetrics(readings('x'));
    expect(html).toContain(`${m.tirPercent.toFixed(1)}%`);
    expect(html).toContain(`${m.gmiPercent.toFixed(1)}%`);
    expect(html).toContain('goal &gt;70%');
    expect(html).toContain('insufficient');
    expect(html).toContain('Source: export.csv');
  });

  it('escapes subject ids and never emits raw markup from input', () => {
    const evil = report('<img onerror=alert(1)>"&');
    expect(evil).not.toContain('<img');
    expect(evil).toContain('&lt;img onerror=alert(1)&gt;&quot;&amp;');
  });

  it('says so when there is nothing to show', () => {
    expect(renderAgpReportHtml([])).toContain('No CGM readings.');
  });
});
