import { snomedSystem } from './vital-sign-codes.ts';

/**
 * Codes for early-warning score Observations. Every concept carries a code in the Vitaltwin score
 * code system; NEWS2 concepts also carry their SNOMED CT UK edition code.
 *
 * NEWS2 SNOMED CT codes: total 1104051000000101 and the eight sub-score codes as listed by NHS
 * Digital's FHIR NEWS2 guidance (nhsconnect/FHIR-NEWS2, "NEWS2 Sub-score Guidance") and used in the
 * UK emergency-department IG examples (SynaneticsLtd/emergency-department-ig, caroltest-news2.fsh);
 * all pass the SNOMED CT Verhoeff check digit. Neither LOINC nor SNOMED codes are recorded in this
 * project for qSOFA and MEWS, so they use the Vitaltwin system only.
 */
export const vitaltwinScoreSystem = 'https://vitaltwin.dev/fhir/CodeSystem/score';

export interface ScoreConcept {
  readonly code: string;
  readonly text: string;
  readonly snomed?: string;
}

export const news2Concepts = {
  total: { code: 'news2-total', text: 'NEWS2 total score', snomed: '1104051000000101' },
  respiratoryRate: { code: 'news2-respiratory-rate', text: 'NEWS2 respiration rate score', snomed: '1104301000000104' },
  spo2Scale1: { code: 'news2-spo2-scale-1', text: 'NEWS2 oxygen saturation scale 1 score', snomed: '1104311000000102' },
  spo2Scale2: { code: 'news2-spo2-scale-2', text: 'NEWS2 oxygen saturation scale 2 score', snomed: '1104321000000108' },
  airOrOxygen: { code: 'news2-air-or-oxygen', text: 'NEWS2 air or oxygen score', snomed: '1104331000000105' },
  systolicBp: { code: 'news2-systolic-bp', text: 'NEWS2 systolic blood pressure score', snomed: '1104341000000101' },
  heartRate: { code: 'news2-pulse', text: 'NEWS2 pulse score', snomed: '1104351000000103' },
  consciousness: { code: 'news2-consciousness', text: 'NEWS2 consciousness score', snomed: '1104361000000100' },
  temperature: { code: 'news2-temperature', text: 'NEWS2 temperature score', snomed: '1104371000000107' },
  partialTotal: { code: 'news2-partial-total', text: 'NEWS2 sum of available sub-scores (lower bound)' },
  redFlag: { code: 'news2-red-flag', text: 'NEWS2 single parameter scoring 3' },
  clinicalRisk: { code: 'news2-clinical-risk', text: 'NEWS2 clinical risk' },
} as const satisfies Record<string, ScoreConcept>;

export const qsofaConcepts = {
  total: { code: 'qsofa-total', text: 'qSOFA score' },
  respiratoryRate: { code: 'qsofa-respiratory-rate', text: 'qSOFA respiratory rate ≥22/min' },
  systolicBp: { code: 'qsofa-systolic-bp', text: 'qSOFA systolic BP ≤100 mmHg' },
  mentation: { code: 'qsofa-mentation', text: 'qSOFA altered mentation' },
  partialTotal: { code: 'qsofa-partial-total', text: 'qSOFA sum of available criteria (lower bound)' },
  positive: { code: 'qsofa-positive', text: 'qSOFA ≥2' },
} as const satisfies Record<string, ScoreConcept>;

export const mewsConcepts = {
  total: { code: 'mews-total', text: 'MEWS total score' },
  systolicBp: { code: 'mews-systolic-bp', text: 'MEWS systolic blood pressure score' },
  heartRate: { code: 'mews-heart-rate', text: 'MEWS heart rate score' },
  respiratoryRate: { code: 'mews-respiratory-rate', text: 'MEWS respiratory rate score' },
  temperature: { code: 'mews-temperature', text: 'MEWS temperature score' },
  consciousness: { code: 'mews-consciousness', text: 'MEWS AVPU score' },
  partialTotal: { code: 'mews-partial-total', text: 'MEWS sum of available sub-scores (lower bound)' },
  highRisk: { code: 'mews-high-risk', text: 'MEWS at or above the trigger threshold' },
} as const satisfies Record<string, ScoreConcept>;

/** FHIR CodeableConcept for a score concept: SNOMED CT coding first when there is one. */
export function scoreCodeableConcept(concept: ScoreConcept): { coding: { system: string; code: string }[]; text: string } {
  const coding = [{ system: vitaltwinScoreSystem, code: concept.code }];
  if (concept.snomed) coding.unshift({ system: snomedSystem, code: concept.snomed });
  return { coding, text: concept.text };
}
