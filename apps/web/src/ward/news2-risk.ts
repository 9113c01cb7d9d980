import type { News2ClinicalRisk, WardNews2 } from '../api/api-types.ts';

/**
 * How the app shows a NEWS2 result. Colours follow the Royal College of Physicians' NEWS2 charts
 * (RCP 2017): Chart 3 shades the clinical-risk rows low (aggregate 0–4), low–medium (a red score of
 * 3 in one parameter), medium (5–6) and high (7+) in rising warmth, and Chart 1 shades each
 * parameter's sub-score 1 yellow, 2 orange and 3 red. Colour is never the only signal: every badge
 * carries its words ("High risk") and the number, as WCAG 2.2 SC 1.4.1 (use of colour) asks. Text
 * colours are chosen for a contrast ratio of at least 4.5:1 on each background (SC 1.4.3).
 */
export interface RiskStyle {
  readonly label: string;
  readonly background: string;
  readonly foreground: string;
  /** Sort rank: higher is sicker. */
  readonly rank: number;
}

const styles: Readonly<Record<News2ClinicalRisk, RiskStyle>> = {
  low: { label: 'Low risk', background: '#d9f2d9', foreground: '#0f3d0f', rank: 1 },
  'low-medium': { label: 'Low–medium risk', background: '#fff3b0', foreground: '#4d3d00', rank: 2 },
  medium: { label: 'Medium risk', background: '#ffb366', foreground: '#3d1f00', rank: 3 },
  high: { label: 'High risk', background: '#c8102e', foreground: '#ffffff', rank: 4 },
};

export const unknownRiskStyle: RiskStyle = { label: 'No score', background: '#eceff3', foreground: '#33404d', rank: 0 };

export function riskStyle(risk: News2ClinicalRisk | null | undefined): RiskStyle {
  if (risk === null || risk === undefined) return unknownRiskStyle;
  switch (risk) {
    case 'low':
    case 'low-medium':
    case 'medium':
    case 'high':
      return styles[risk];
    default:
      return assertNever(risk);
  }
}

/**
 * The risk to show for a result: its clinical risk when complete; otherwise the lower bound from the
 * parameters present (a partial score can only rise as parameters arrive), marked as partial.
 */
export function displayedRisk(news2: WardNews2 | null): { risk: News2ClinicalRisk | null; partial: boolean; score: number | null } {
  if (news2 === null) return { risk: null, partial: false, score: null };
  if (news2.complete && news2.total !== null) return { risk: news2.clinicalRisk, partial: false, score: news2.total };
  return { risk: news2.clinicalRisk ?? news2.minimumClinicalRisk ?? null, partial: true, score: news2.partialTotal };
}

/** Chart 1 sub-score colour (0 none, 1 yellow, 2 orange, 3 red), for chart bands and cells. */
export function subScoreColour(score: number): string | null {
  if (score <= 0) return null;
  if (score === 1) return '#fff3b0';
  if (score === 2) return '#ffc58a';
  return '#f4a3a8';
}

function assertNever(value: never): never {
  throw new Error(`unexpected NEWS2 risk ${String(value)}`);
}
