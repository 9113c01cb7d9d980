import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirDefinitions } from '../fhir-definitions.ts';
import { planDocument } from './bundle-import-plan.ts';
import { formatProblem } from './import-problem.ts';

const patient = (id?: string) => ({ resourceType: 'Patient', ...(id ? { id } : {}), name: [{ family: 'Doe' }] });

describe('planDocument', () => {
  beforeAll(() => {
    loadFhirDefinitions();
  }, 30_000);

  it('makes a collection Bundle (no request) into upserts with the resource ids and fullUrls kept', () => {
    const unit = planDocument('c.json', {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:11111111-2222-3333-4444-555555555555', resource: patient('p1') },
        {
          fullUrl: 'urn:uuid:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
        },
      ],
    });
    expect(unit.problems).toEqual([]);
    expect(unit.atomic).toBe(true);
    expect(unit.items.map((i) => [i.resourceType, i.id, i.fullUrl])).toEqual([
      ['Patient', 'p1', 'urn:uuid:11111111-2222-3333-4444-555555555555'],
      ['Observation', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 'urn:uuid:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'],
    ]);
    expect(unit.items[1]!.resource.id).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
  });

  it('makes transaction creates and updates into upserts, keeping ifNoneExist', () => {
    const unit = planDocument('t.json', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:11111111-2222-3333-4444-555555555555',
          resource: { resourceType: 'Organization', name: 'Clinic', identifier: [{ system: 's', value: '1' }] },
          request: { method: 'POST', url: 'Organization', ifNoneExist: 'identifier=s|1' },
        },
        { resource: patient(), request: { method: 'PUT', url: 'Patient/p9' } },
      ],
    });
    expect(unit.transaction).toBeUndefined();
    expect(unit.items.map((i) => [i.id, i.ifNoneExist])).toEqual([
      ['11111111-2222-3333-4444-555555555555', 'identifier=s|1'],
      ['p9', undefined],
    ]);
  });

  it('keeps full transaction semantics for other interactions, with plain creates made idempotent', () => {
    const unit = planDocument('t.json', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:11111111-2222-3333-4444-555555555555', resource: patient(), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'DELETE', url: 'Patient/old' } },
      ],
    });
    expect(unit.items).toEqual([]);
    const entries = (unit.transaction as { entry: { request: { method: string; url: string } }[] }).entry;
    expect(entries.map((e) => `${e.request.method} ${e.request.url}`)).toEqual([
      'PUT Patient/11111111-2222-3333-4444-555555555555',
      'DELETE Patient/old',
    ]);
  });

  it('locates problems by JSON path inside the file', () => {
    const unit = planDocument('Bennett146.json', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient(), request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Nonsense' }, request: { method: 'POST', url: 'Nonsense' } },
        { resource: { ...patient(), id: 'a' }, request: { method: 'PUT', url: 'Patient/b' } },
        { resource: { resourceType: 'Patient', id: 'bad id!' }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(unit.problems.map(formatProblem)).toEqual([
      'Bennett146.json: entry[1].resource.resourceType: unknown resource type Nonsense',
      'Bennett146.json: entry[2].resource.id: the id differs from request.url Patient/b',
      'Bennett146.json: entry[3].resource.id: id must be 1-64 characters of A-Z, a-z, 0-9, - and .',
    ]);
  });

  it('takes a single resource, skips searchset outcomes, and refuses history Bundles', () => {
    expect(planDocument('p.json', patient('p1')).items.map((i) => i.id)).toEqual(['p1']);
    const searchset = planDocument('s.json', {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: patient('p2'), search: { mode: 'match' } },
        { resource: { resourceType: 'OperationOutcome', issue: [] }, search: { mode: 'outcome' } },
      ],
    });
    expect(searchset.items.map((i) => i.id)).toEqual(['p2']);
    const history = planDocument('h.json', { resourceType: 'Bundle', type: 'history', entry: [] });
    expect(history.problems[0]?.message).toMatch(/history.*not imported/);
    expect(planDocument('x.json', [1, 2]).problems[0]?.message).toMatch(/not a FHIR resource/);
  });
});
