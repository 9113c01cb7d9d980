import { describe, expect, it } from 'vitest';
import { news2Bands } from '../charts/news2-bands.ts';
import { displayedRisk, riskStyle, subScoreColour, unknownRiskStyle } from './news2-risk.ts';

/** WCAG 2.2 relative luminance and contrast ratio (SC 1.4.3 definitions). */
function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = c.map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('NEWS2 risk styles (RCP 2017 Chart 3)', () => {
  it('orders the four clinical-risk levels and labels each in words', () => {
    const levels = ['low', 'low-medium', 'medium', 'high'] as const;
    expect(levels.map((l) => riskStyle(l).rank)).toEqual([1, 2, 3, 4]);
    expect(levels.map((l) => riskStyle(l).label)).toEqual(['Low risk', 'Low–medium risk', 'Medium risk', 'High risk']);
    expect(riskStyle(null)).toBe(unknownRiskStyle);
  });

  it('keeps text readable on every badge (contrast ≥ 4.5:1, WCAG SC 1.4.3)', () => {
    for (const level of ['low', 'low-medium', 'medium', 'high', null] as const) {
      const s = riskStyle(level);
      expect(contrast(s.background, s.foreground), s.label).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('shows a partial score as its lower-bound risk, marked partial', () => {
    const base = { partialTotal: 3, redFlag: true, time: '2026-01-01T00:00:00Z' };
    expect(displayedRisk({ ...base, total: null, complete: false, clinicalRisk: null, minimumClinicalRisk: 'low-medium' })).toEqual({
      risk: 'low-medium',
      partial: true,
      score: 3,
    });
    expect(displayedRisk({ ...base, total: 7, complete: true, clinicalRisk: 'high' })).toEqual({ risk: 'high', partial: false, score: 7 });
    expect(displayedRisk(null)).toEqual({ risk: null, partial: false, score: null });
  });

  it('colours Chart 1 sub-scores 0 none, 1 yellow, 2 orange, 3 red', () => {
    expect(subScoreColour(0)).toBeNull();
    expect(new Set([1, 2, 3].map(subScoreColour)).size).toBe(3);
  });
});

describe('NEWS2 chart bands from core scoring (RCP 2017 Chart 1)', () => {
  // Published Chart 1 thresholds, typed from the chart: the independent oracle for the derived bands.
  it('heart rate: ≤40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, ≥131 → 3', () => {
    expect(news2Bands('heartRate').map((b) => [b.from, b.to, b.score])).toEqual([
      [20, 40, 3],
      [41, 50, 1],
      [51, 90, 0],
      [91, 110, 1],
      [111, 130, 2],
      [131, 200, 3],
    ]);
  });

  it('respiration: ≤8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, ≥25 → 3', () => {
    expect(news2Bands('respiratoryRate').map((b) => [b.from, b.to, b.score])).toEqual([
      [0, 8, 3],
      [9, 11, 1],
      [12, 20, 0],
      [21, 24, 2],
      [25, 60, 3],
    ]);
  });

  it('temperature in 0.1 °C: ≤35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1, ≥39.1 → 2', () => {
    expect(news2Bands('temperature').map((b) => [b.from, b.to, b.score])).toEqual([
      [33, 35, 3],
      [35.1, 36, 1],
      [36.1, 38, 0],
      [38.1, 39, 1],
      [39.1, 42, 2],
    ]);
  });

  it('systolic BP and SpO2 scale 1', () => {
    expect(news2Bands('systolicBp').map((b) => [b.from, b.to, b.score])).toEqual([
      [50, 90, 3],
      [91, 100, 2],
      [101, 110, 1],
      [111, 219, 0],
      [220, 250, 3],
    ]);
    expect(news2Bands('spo2').map((b) => [b.from, b.to, b.score])).toEqual([
      [70, 91, 3],
      [92, 93, 2],
      [94, 95, 1],
      [96, 100, 0],
    ]);
  });
});
