import { describe, expect, it } from 'vitest';
import { SimInputError } from '../../sim-input-error.ts';
import { compileScenarioInputs, parseGlucoseScenario, validateGlucoseScenario } from './scenario.ts';

function problems(json: unknown): string[] {
  return validateGlucoseScenario(json).map((p) => `${p.path}: ${p.message}`);
}

describe('glucose scenario validation', () => {
  it('fills in defaults', () => {
    expect(parseGlucoseScenario({})).toEqual({
      durationMin: 1440,
      basal: 'steady',
      meals: [],
      boluses: [],
      mealDelivery: 'eat-rate',
      sensor: 'none',
      pump: 'none',
      seed: 0,
    });
  });

  it('accepts the documented example', () => {
    const s = parseGlucoseScenario({
      durationMin: 1440,
      basal: { uPerMin: 0.02 },
      meals: [{ minute: 420, carbsG: 50 }],
      boluses: [{ minute: 420, units: 5 }],
      mealDelivery: 'one-minute',
      sensor: 'Dexcom',
      pump: 'Insulet',
      seed: 1,
    });
    expect(s.basal).toEqual({ uPerMin: 0.02 });
    expect(s.sensor).toBe('Dexcom');
  });

  it('reports every problem with its JSON path', () => {
    expect(
      problems({
        durationMin: 600,
        basal: { uPerMin: -1 },
        meals: [{ minute: 10, carbsG: 50 }, { minute: 20, carbsG: -5 }, { minute: 1.5, carbsG: 'x' }, 7],
        boluses: [
          { minute: 600, units: 1 },
          { minute: 5, units: 2, extra: true },
        ],
        mealDelivery: 'slow',
        sensor: 'Libre',
        seed: -3,
        durationMinutes: 5,
      }),
    ).toEqual([
      'durationMinutes: unknown property (allowed: durationMin, basal, meals, boluses, mealDelivery, sensor, pump, seed)',
      'basal.uPerMin: must be >= 0',
      'meals[1].carbsG: must be >= 0',
      'meals[2].minute: must be an integer',
      'meals[2].carbsG: must be a finite number',
      'meals[3]: must be an object',
      'boluses[0].minute: beyond durationMin (must be < 600)',
      'boluses[1].extra: unknown property (allowed: minute, units)',
      'mealDelivery: must be one of "eat-rate", "one-minute"',
      'sensor: must be one of "none", "Dexcom", "GuardianRT", "Navigator"',
      'seed: must be a non-negative integer',
    ]);
  });

  it('rejects non-objects, bad durations and bad basal forms', () => {
    expect(problems([])).toEqual(['$: scenario must be a JSON object']);
    expect(problems({ durationMin: 0 })).toEqual(['durationMin: must be an integer in 1..527040']);
    expect(problems({ basal: 'flat', meals: {} })).toEqual(['basal: must be "steady" or {"uPerMin": number}', 'meals: must be an array']);
    expect(() => parseGlucoseScenario({ seed: 'a' })).toThrow(SimInputError);
  });

  it('compiles per-minute inputs, summing events at the same minute', () => {
    const inputs = compileScenarioInputs(
      parseGlucoseScenario({
        durationMin: 10,
        meals: [
          { minute: 2, carbsG: 10 },
          { minute: 2, carbsG: 5 },
        ],
        boluses: [{ minute: 9, units: 1.5 }],
      }),
    );
    expect(Array.from(inputs.announcedCarbsG)).toEqual([0, 0, 15, 0, 0, 0, 0, 0, 0, 0]);
    expect(inputs.bolusU[9]).toBe(1.5);
  });
});
