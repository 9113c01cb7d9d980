import { isVitaltwinError, type ProblemDetail } from '@vitaltwin/core';
import { describe, expect, it } from 'vitest';
import { parseTrialProtocol, protocolHash } from './trial-protocol.ts';

const minimal = {
  name: 'demo',
  population: { source: 'simglucose' },
  days: 2,
  seed: 1,
  arms: [
    { name: 'a', controller: { type: 'basal-bolus' } },
    { name: 'b', controller: { type: 'basal-bolus', crScale: 0.8 } },
  ],
};

function problems(json: unknown): ProblemDetail[] {
  try {
    parseTrialProtocol(json);
  } catch (e) {
    if (isVitaltwinError(e)) {
      expect(e.code).toBe('VT_ERR_VALIDATION');
      return [...e.problems];
    }
    throw e;
  }
  throw new Error('expected a validation error');
}

describe('parseTrialProtocol', () => {
  it('fills in every default', () => {
    const p = parseTrialProtocol(minimal);
    expect(p.design).toBe('crossover');
    expect(p.sensor).toBe('GuardianRT');
    expect(p.pump).toBe('Insulet');
    expect(p.endpointSignal).toBe('cgm');
    expect(p.scenario).toEqual({ type: 'random' });
    expect(p.analysis).toEqual({ alpha: 0.05, ci: 't', test: 't', bootstrapResamples: 2000, power: [0.8, 0.9] });
    expect(p.arms[1]!.controller).toMatchObject({
      type: 'basal-bolus',
      crScale: 0.8,
      cfScale: 1,
      targetMgDl: 140,
      correction: 'with-meal',
    });
  });

  it('reports every problem with its JSON path', () => {
    const bad = {
      ...minimal,
      days: 0,
      population: { source: 'generated', n: 10.5, colour: 'red' },
      arms: [
        { name: 'a', controller: { type: 'basal-bolus', crScale: -1 } },
        { name: 'bad name!', controller: { type: 'mpc' } },
      ],
      extra: true,
    };
    const found = problems(bad).map((p) => `${p.expression}: ${p.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '$.days: days must be >= 1',
        '$.population.n: n must be a whole number',
        '$.population.colour: unknown property',
        '$.arms[0].controller.crScale: crScale must be > 0',
        '$.arms[1].name: arm name must be 1–64 characters of letters, digits, ".", "_" or "-"',
        '$.arms[1].controller.type: controller.type must be "basal-bolus" or "pid"',
        '$.extra: unknown property',
      ]),
    );
  });

  it('checks arm references and duplicates', () => {
    expect(problems({ ...minimal, arms: [minimal.arms[0], minimal.arms[0]] }).map((p) => p.expression)).toEqual(['$.arms[1].name']);
    const p = problems({ ...minimal, comparisons: [{ arms: ['b', 'zzz'] }] });
    expect(p).toEqual([{ message: 'unknown arm "zzz" (arms: a, b)', expression: '$.comparisons[0].arms[1]', severity: 'error' }]);
    expect(problems({ ...minimal, seed: 'x' })[0]!.expression).toBe('$.seed');
    expect(problems([])[0]!.expression).toBe('$');
  });
});

describe('protocolHash', () => {
  it('ignores key order, explicit defaults and descriptions, and changes with anything that changes results', () => {
    const h = protocolHash(parseTrialProtocol(minimal));
    const reordered = { seed: 1, days: 2, arms: minimal.arms, population: { source: 'simglucose' }, name: 'demo', description: 'x' };
    expect(protocolHash(parseTrialProtocol(reordered))).toBe(h);
    expect(protocolHash(parseTrialProtocol({ ...minimal, sensor: 'GuardianRT', design: 'crossover' }))).toBe(h);
    expect(protocolHash(parseTrialProtocol({ ...minimal, seed: 2 }))).not.toBe(h);
    expect(
      protocolHash(
        parseTrialProtocol({ ...minimal, arms: [minimal.arms[0], { name: 'b', controller: { type: 'basal-bolus', crScale: 0.7 } }] }),
      ),
    ).not.toBe(h);
  });
});
