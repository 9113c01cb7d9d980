import { describe, expect, it } from 'vitest';
import { evaluateMedicationAdherence, findOverdueDoses, type MedicationRequestLike } from './medication-adherence.ts';

const h = (d: number, hour: number, minute = 0) => Date.UTC(2025, 0, d, hour, minute);
const bid: MedicationRequestLike = {
  id: 'mr-1',
  status: 'active',
  authoredOn: '2025-01-01T07:00:00Z',
  dosageInstruction: [{ timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd', timeOfDay: ['08:00:00', '20:00:00'] } } }],
};
const window = { fromMs: h(1, 0), graceMin: 60 };

describe('overdue doses', () => {
  it('a dose is overdue only after the grace period and without a matching administration', () => {
    // Doses 1 Jan 08:00 and 20:00, 2 Jan 08:00. The 08:00 dose was given at 08:10.
    const check = findOverdueDoses(bid, [h(1, 8, 10)], { ...window, nowMs: h(2, 8, 30) });
    expect(check.scheduledMs).toEqual([h(1, 8), h(1, 20), h(2, 8)]);
    expect(check.overdue).toEqual([{ scheduledMs: h(1, 20), overdueMin: 12 * 60 + 30 }]);
  });

  it('grace boundary: 60 min late is not yet overdue, 61 min is', () => {
    expect(findOverdueDoses(bid, [], { ...window, nowMs: h(1, 9) }).overdue).toEqual([]);
    expect(findOverdueDoses(bid, [], { ...window, nowMs: h(1, 9, 1) }).overdue).toEqual([{ scheduledMs: h(1, 8), overdueMin: 61 }]);
  });

  it('an administration counts from 60 min early until 60 min before the next dose; each covers one dose', () => {
    const now = h(2, 6);
    expect(findOverdueDoses(bid, [h(1, 7, 0)], { ...window, nowMs: now }).overdue.map((d) => d.scheduledMs)).toEqual([h(1, 20)]);
    expect(findOverdueDoses(bid, [h(1, 6, 59)], { ...window, nowMs: now }).overdue.map((d) => d.scheduledMs)).toEqual([h(1, 8), h(1, 20)]);
    // Given late at 18:30 (before 19:00): covers the 08:00 dose, not the 20:00 one.
    expect(findOverdueDoses(bid, [h(1, 18, 30)], { ...window, nowMs: now }).overdue.map((d) => d.scheduledMs)).toEqual([h(1, 20)]);
    // Two administrations in one window do not cover the next dose.
    expect(findOverdueDoses(bid, [h(1, 8), h(1, 9)], { ...window, nowMs: now }).overdue.map((d) => d.scheduledMs)).toEqual([h(1, 20)]);
  });
});

describe('medication adherence alert', () => {
  it('fires one alert per request with the overdue count', () => {
    const outcome = evaluateMedicationAdherence({ patientId: 'p1', request: bid, administrationTimesMs: [], ...window, nowMs: h(2, 10) });
    expect(outcome.status).toBe('firing');
    if (outcome.status === 'firing') {
      expect(outcome.intent).toMatchObject({
        dedupKey: 'p1:medication-overdue:mr-1',
        severity: 'medium',
        summary: '3 scheduled doses not recorded; oldest overdue by 1560 min',
        details: { medicationRequestId: 'mr-1', overdueCount: 3, oldestScheduledMs: h(1, 8), latestScheduledMs: h(2, 8) },
      });
    }
  });

  it('clears when all doses are charted, for PRN and for inactive requests', () => {
    const all = [h(1, 8), h(1, 20), h(2, 8)];
    expect(
      evaluateMedicationAdherence({ patientId: 'p1', request: bid, administrationTimesMs: all, ...window, nowMs: h(2, 10) }).status,
    ).toBe('clear');
    const prn = { ...bid, dosageInstruction: [{ ...bid.dosageInstruction![0]!, asNeededBoolean: true }] };
    expect(
      evaluateMedicationAdherence({ patientId: 'p1', request: prn, administrationTimesMs: [], ...window, nowMs: h(2, 10) }).status,
    ).toBe('clear');
    expect(
      evaluateMedicationAdherence({
        patientId: 'p1',
        request: { ...bid, status: 'stopped' },
        administrationTimesMs: [],
        ...window,
        nowMs: h(2, 10),
      }).status,
    ).toBe('clear');
  });

  it('is indeterminate when the timing cannot be expanded', () => {
    const vague = { ...bid, dosageInstruction: [{ timing: { repeat: { when: ['MORN'] } } }] };
    const outcome = evaluateMedicationAdherence({ patientId: 'p1', request: vague, administrationTimesMs: [], ...window, nowMs: h(2, 10) });
    expect(outcome).toMatchObject({ status: 'indeterminate', reason: expect.stringContaining('dosageInstruction[0].timing') });
  });

  it('every-8-hours schedules anchor on authoredOn when there are no bounds', () => {
    const q8h: MedicationRequestLike = {
      id: 'mr-2',
      status: 'active',
      authoredOn: '2025-01-01T06:00:00Z',
      dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 8, periodUnit: 'h' } } }],
    };
    const check = findOverdueDoses(q8h, [h(1, 6), h(1, 14, 20)], { fromMs: h(1, 0), nowMs: h(2, 0), graceMin: 30 });
    expect(check.scheduledMs).toEqual([h(1, 6), h(1, 14), h(1, 22)]);
    expect(check.overdue).toEqual([{ scheduledMs: h(1, 22), overdueMin: 120 }]);
  });
});
