/**
 * Glycemia Risk Index (Klonoff DC, Wang J, Rodbard D et al., "A Glycemia Risk Index (GRI) of
 * Hypoglycemia and Hyperglycemia for Continuous Glucose Monitoring Validated by Clinician
 * Ratings", J Diabetes Sci Technol 2023;17:1226–42, online 2022):
 *
 *   hypo component  = %<54 + 0.8 · %54–69
 *   hyper component = %>250 + 0.5 · %181–250
 *   GRI = 3.0 · hypo + 1.6 · hyper, capped at 100
 *
 * which expands to the form in the clinical-references doc:
 * 3.0·%<54 + 2.4·%54–69 + 1.6·%>250 + 0.8·%181–250. Inputs are the banded (not cumulative)
 * percentages, 0–100.
 */
export interface GriInput {
  readonly veryLowPercent: number;
  readonly lowPercent: number;
  readonly highPercent: number;
  readonly veryHighPercent: number;
}

export interface GlycemiaRiskIndex {
  readonly gri: number;
  readonly hypoComponent: number;
  readonly hyperComponent: number;
}

export function glycemiaRiskIndex(p: GriInput): GlycemiaRiskIndex {
  const hypoComponent = p.veryLowPercent + 0.8 * p.lowPercent;
  const hyperComponent = p.veryHighPercent + 0.5 * p.highPercent;
  return { gri: Math.min(100, 3.0 * hypoComponent + 1.6 * hyperComponent), hypoComponent, hyperComponent };
}
