import { describe, expect, it } from 'vitest';
import { concretePath, formatProblem, pathAt, problemAt } from './import-problem.ts';

describe('import problem locations', () => {
  it('turns validator expressions into JSON paths inside a Bundle entry or names them on an NDJSON line', () => {
    expect(pathAt({ kind: 'entry', index: 12 }, 'Patient.birthDate')).toBe('entry[12].resource.birthDate');
    expect(pathAt({ kind: 'entry', index: 3 }, 'resourceType')).toBe('entry[3].resource.resourceType');
    expect(pathAt({ kind: 'entry', index: 3 }, undefined)).toBe('entry[3].resource');
    expect(
      formatProblem(problemAt('obs.ndjson', { kind: 'line', line: 57 }, { message: 'Invalid date', expression: 'Observation.issued' })),
    ).toBe('obs.ndjson:57: Observation.issued: Invalid date');
  });

  it('names the choice element the file actually has', () => {
    const obs = {
      resourceType: 'Observation',
      component: [
        { code: {}, valueQuantity: {} },
        { code: {}, valueString: 'x' },
      ],
      effectiveDateTime: 'x',
    };
    expect(concretePath(obs, 'Observation.effective[x]')).toBe('Observation.effectiveDateTime');
    expect(concretePath(obs, 'Observation.component[1].value[x]')).toBe('Observation.component[1].valueString');
    expect(concretePath(obs, 'Observation.value[x]')).toBe('Observation.value[x]');
    expect(
      formatProblem(problemAt('b.json', { kind: 'entry', index: 2 }, { message: 'bad', expression: 'Observation.effective[x]' }, obs)),
    ).toBe('b.json: entry[2].resource.effectiveDateTime: bad');
  });
});
