import { describe, expect, it } from 'vitest';
import { alertSeverityExtension } from './alert-communication.ts';
import { parseCriteria } from './subscription-criteria.ts';

const news2 = {
  resourceType: 'Observation',
  status: 'final',
  code: {
    coding: [
      { system: 'http://snomed.info/sct', code: '1104051000000101' },
      { system: 'https://vitaltwin.dev/fhir/CodeSystem/score', code: 'news2-total' },
    ],
  },
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
  subject: { reference: 'Patient/p1' },
};
const alert = (severity: string, patient = 'p1') => ({
  resourceType: 'Communication',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert' }] }],
  subject: { reference: `Patient/${patient}` },
  extension: [{ url: alertSeverityExtension, valueCode: severity }],
});

function matcher(criteria: string) {
  const parsed = parseCriteria(criteria);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.matches;
}

describe('Subscription criteria', () => {
  it('matches Observation tokens as system|code, |code and code', () => {
    expect(matcher('Observation?code=http://snomed.info/sct|1104051000000101')(news2)).toBe(true);
    expect(matcher('Observation?code=news2-total')(news2)).toBe(true);
    expect(matcher('Observation?code=|news2-total')(news2)).toBe(false);
    expect(matcher('Observation?code=http://loinc.org|news2-total')(news2)).toBe(false);
    expect(matcher('Observation?code=qsofa-total,news2-total&category=survey')(news2)).toBe(true);
    expect(matcher('Observation')(news2)).toBe(true);
    expect(matcher('Observation?code=news2-total')(alert('high'))).toBe(false);
  });

  it('filters by patient or subject, with or without the Patient/ prefix, and status', () => {
    expect(matcher('Observation?patient=p1')(news2)).toBe(true);
    expect(matcher('Observation?subject=Patient/p1')(news2)).toBe(true);
    expect(matcher('Observation?patient=p2,p3')(news2)).toBe(false);
    expect(matcher('Observation?status=final&patient=p2')(news2)).toBe(false);
  });

  it('matches alert Communications by category, patient and severity', () => {
    expect(matcher('Communication?category=alert')(alert('low'))).toBe(true);
    expect(
      matcher('Communication?category=http://terminology.hl7.org/CodeSystem/communication-category|alert&patient=p2')(alert('high')),
    ).toBe(false);
    const urgent = matcher('Communication?category=alert&severity=high,critical');
    expect([urgent(alert('medium')), urgent(alert('high')), urgent(alert('critical'))]).toEqual([false, true, true]);
  });

  it('refuses what it cannot evaluate, with a reason', () => {
    const error = (criteria: string) => {
      const parsed = parseCriteria(criteria);
      return parsed.ok ? null : parsed.error;
    };
    expect(error('Patient?name=x')).toMatch(/Patient is not supported/);
    expect(error('Communication?patient=p1')).toMatch(/category=alert/);
    expect(error('Communication?category=notification')).toMatch(/category=alert/);
    expect(error('Observation?value-quantity=gt5')).toMatch(/value-quantity is not supported/);
    expect(error('Communication?category=alert&severity=urgent')).toMatch(/unknown severity urgent/);
    expect(error('Observation?code=')).toMatch(/no value/);
  });
});
