import type { MewsResult } from '../scores/mews.ts';
import type { News2Result } from '../scores/news2.ts';
import type { QsofaResult } from '../scores/qsofa.ts';
import {
  mewsConcepts,
  news2Concepts,
  qsofaConcepts,
  type ScoreConcept,
  scoreCodeableConcept,
  vitaltwinScoreSystem,
} from './score-codes.ts';
import { surveyCategory, ucumSystem } from './vital-sign-codes.ts';

/**
 * Builds FHIR R4 Observations for early-warning scores: the total as the value, one component per
 * sub-score. Follows NHS Digital's FHIR NEWS2 guidance: category "survey", scores as valueQuantity
 * with UCUM `{score}`, `derivedFrom` pointing at the vital-sign Observations that were scored.
 * A missing total or sub-score carries `dataAbsentReason` "unknown" (FHIR R4 Observation
 * obs-6/obs-7: value or dataAbsentReason, never both). Pure: the caller supplies ids and times.
 */

interface Coding {
  system: string;
  code: string;
  display?: string;
}
interface CodeableConcept {
  coding: Coding[];
  text?: string;
}
interface ScoreQuantity {
  value: number;
  unit: string;
  system: string;
  code: string;
}

export interface ScoreObservationComponent {
  code: CodeableConcept;
  valueQuantity?: ScoreQuantity;
  valueBoolean?: boolean;
  valueCodeableConcept?: CodeableConcept;
  dataAbsentReason?: CodeableConcept;
}

/** The subset of FHIR R4 Observation these builders fill; assignable to a full Observation type. */
export interface ScoreObservation {
  resourceType: 'Observation';
  id?: string;
  status: 'preliminary' | 'final' | 'amended';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: { reference: string };
  effectiveDateTime: string;
  issued?: string;
  valueQuantity?: ScoreQuantity;
  dataAbsentReason?: CodeableConcept;
  derivedFrom?: { reference: string }[];
  component: ScoreObservationComponent[];
}

export interface ScoreObservationContext {
  /** e.g. `Patient/123`. */
  readonly subject: string;
  /** When the scored vital signs were taken (FHIR dateTime with offset). */
  readonly effectiveDateTime: string;
  readonly id?: string;
  readonly status?: ScoreObservation['status'];
  readonly issued?: string;
  /** References of the scored Observations, e.g. `Observation/rr-1`. */
  readonly derivedFrom?: readonly string[];
}

const unknownReason: CodeableConcept = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown', display: 'Unknown' }],
};

function scoreQuantity(value: number): ScoreQuantity {
  return { value, unit: 'score', system: ucumSystem, code: '{score}' };
}

function scoreComponent(concept: ScoreConcept, value: number | null): ScoreObservationComponent {
  const code = scoreCodeableConcept(concept);
  return value === null ? { code, dataAbsentReason: unknownReason } : { code, valueQuantity: scoreQuantity(value) };
}

function booleanComponent(concept: ScoreConcept, value: boolean | null): ScoreObservationComponent {
  const code = scoreCodeableConcept(concept);
  return value === null ? { code, dataAbsentReason: unknownReason } : { code, valueBoolean: value };
}

function observation(
  concept: ScoreConcept,
  total: number | null,
  components: ScoreObservationComponent[],
  ctx: ScoreObservationContext,
): ScoreObservation {
  return {
    resourceType: 'Observation',
    ...(ctx.id === undefined ? {} : { id: ctx.id }),
    status: ctx.status ?? 'final',
    category: [{ coding: [{ ...surveyCategory }] }],
    code: scoreCodeableConcept(concept),
    subject: { reference: ctx.subject },
    effectiveDateTime: ctx.effectiveDateTime,
    ...(ctx.issued === undefined ? {} : { issued: ctx.issued }),
    ...(total === null ? { dataAbsentReason: unknownReason } : { valueQuantity: scoreQuantity(total) }),
    ...(ctx.derivedFrom && ctx.derivedFrom.length > 0 ? { derivedFrom: ctx.derivedFrom.map((reference) => ({ reference })) } : {}),
    component: components,
  };
}

/** NEWS2 total with its seven sub-scores, the partial total, the red flag and the clinical risk. */
export function news2Observation(result: News2Result, ctx: ScoreObservationContext): ScoreObservation {
  const s = result.subScores;
  const components = [
    scoreComponent(news2Concepts.respiratoryRate, s.respiratoryRate),
    scoreComponent(result.spo2Scale === 2 ? news2Concepts.spo2Scale2 : news2Concepts.spo2Scale1, s.spo2),
    scoreComponent(news2Concepts.airOrOxygen, s.airOrOxygen),
    scoreComponent(news2Concepts.systolicBp, s.systolicBp),
    scoreComponent(news2Concepts.heartRate, s.heartRate),
    scoreComponent(news2Concepts.consciousness, s.consciousness),
    scoreComponent(news2Concepts.temperature, s.temperature),
    scoreComponent(news2Concepts.partialTotal, result.partialTotal),
    booleanComponent(news2Concepts.redFlag, result.redFlag),
  ];
  const risk = result.clinicalRisk;
  components.push(
    risk === null
      ? { code: scoreCodeableConcept(news2Concepts.clinicalRisk), dataAbsentReason: unknownReason }
      : {
          code: scoreCodeableConcept(news2Concepts.clinicalRisk),
          valueCodeableConcept: { coding: [{ system: vitaltwinScoreSystem, code: `news2-risk-${risk}` }], text: risk },
        },
  );
  return observation(news2Concepts.total, result.total, components, ctx);
}

export function qsofaObservation(result: QsofaResult, ctx: ScoreObservationContext): ScoreObservation {
  const s = result.subScores;
  return observation(
    qsofaConcepts.total,
    result.total,
    [
      scoreComponent(qsofaConcepts.respiratoryRate, s.respiratoryRate),
      scoreComponent(qsofaConcepts.systolicBp, s.systolicBp),
      scoreComponent(qsofaConcepts.mentation, s.mentation),
      scoreComponent(qsofaConcepts.partialTotal, result.partialTotal),
      booleanComponent(qsofaConcepts.positive, result.positive),
    ],
    ctx,
  );
}

export function mewsObservation(result: MewsResult, ctx: ScoreObservationContext): ScoreObservation {
  const s = result.subScores;
  return observation(
    mewsConcepts.total,
    result.total,
    [
      scoreComponent(mewsConcepts.systolicBp, s.systolicBp),
      scoreComponent(mewsConcepts.heartRate, s.heartRate),
      scoreComponent(mewsConcepts.respiratoryRate, s.respiratoryRate),
      scoreComponent(mewsConcepts.temperature, s.temperature),
      scoreComponent(mewsConcepts.consciousness, s.consciousness),
      scoreComponent(mewsConcepts.partialTotal, result.partialTotal),
      booleanComponent(mewsConcepts.highRisk, result.highRisk),
    ],
    ctx,
  );
}
