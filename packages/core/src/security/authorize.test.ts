import { describe, expect, it } from 'vitest';
import { type AccessRequest, authorize, type Subject } from './authorize.ts';
import { effectiveScopes, type Role, roleDefinitions, scopeCovers } from './roles.ts';
import { parseScope, parseScopes, type ResourceScope } from './scope.ts';

const subject = (role: Role, extra: Partial<Subject> = {}): Subject => ({
  id: `user:${role}`,
  role,
  scopes: roleDefinitions[role].ceiling,
  ...extra,
});
const read = (resourceType: string, patient: AccessRequest['patient'], extra: Partial<AccessRequest> = {}): AccessRequest => ({
  resourceType,
  interactions: ['r'],
  patient,
  ...extra,
});
const rs = (t: string) => parseScope(t) as ResourceScope;

describe('authorisation decisions', () => {
  it('answers 401 without a subject', () => {
    expect(authorize(undefined, read('Observation', { kind: 'all' }))).toMatchObject({ allow: false, status: 401 });
  });

  it('lets a clinician read and write any patient', () => {
    const c = subject('clinician');
    expect(authorize(c, read('Observation', { kind: 'patient', id: 'p2' }))).toEqual({ allow: true, deidentify: false });
    expect(authorize(c, { resourceType: 'Observation', interactions: ['c'], patient: { kind: 'patient', id: 'p2' } }).allow).toBe(true);
  });

  it('keeps a patient inside their own compartment, answering 404 for others', () => {
    const p = subject('patient', { patientId: 'p1' });
    expect(authorize(p, read('Observation', { kind: 'patient', id: 'p1' }))).toEqual({
      allow: true,
      deidentify: false,
      restrictToPatient: 'p1',
    });
    expect(authorize(p, read('Observation', { kind: 'patient', id: 'p2' }))).toMatchObject({ allow: false, status: 404 });
    expect(authorize(p, read('Observation', { kind: 'unknown' }))).toMatchObject({ allow: false, status: 404 });
    expect(authorize(p, { resourceType: 'Observation', interactions: ['s'], patient: { kind: 'all' } })).toEqual({
      allow: true,
      deidentify: false,
      restrictToPatient: 'p1',
    });
    expect(authorize(p, { resourceType: 'Observation', interactions: ['c'], patient: { kind: 'patient', id: 'p1' } })).toMatchObject({
      status: 403,
    });
    expect(authorize(p, read('Practitioner', { kind: 'none' })).allow).toBe(true);
    expect(authorize(p, { resourceType: '*', interactions: ['s'], patient: { kind: 'all' } })).toMatchObject({ status: 403 });
  });

  it('refuses a patient-context token without a patient id', () => {
    expect(authorize(subject('patient'), read('Observation', { kind: 'patient', id: 'p1' }))).toMatchObject({ status: 403 });
  });

  it('gives researchers de-identified search only, never by identifying parameters', () => {
    const r = subject('researcher');
    expect(authorize(r, { resourceType: 'Observation', interactions: ['s'], patient: { kind: 'all' } })).toEqual({
      allow: true,
      deidentify: true,
    });
    expect(authorize(r, read('Observation', { kind: 'patient', id: 'p1' }))).toMatchObject({ status: 403 });
    for (const param of ['name', 'family:exact', 'address-city', 'identifier', 'birthdate', 'subject.name', 'patient', '_id']) {
      const decision = authorize(r, { resourceType: 'Patient', interactions: ['s'], patient: { kind: 'all' }, params: { [param]: 'x' } });
      expect(decision, param).toMatchObject({ allow: false, status: 403 });
    }
    expect(
      authorize(r, { resourceType: 'Observation', interactions: ['s'], patient: { kind: 'all' }, params: { code: '2339-0' } }).allow,
    ).toBe(true);
  });

  it('lets a device only send readings', () => {
    const d = subject('device', { deviceId: 'cgm-1' });
    expect(authorize(d, { resourceType: 'DeviceReading', interactions: ['c'], patient: { kind: 'none' } }).allow).toBe(true);
    expect(authorize(d, read('Observation', { kind: 'all' }))).toMatchObject({ status: 403 });
    expect(authorize(d, { resourceType: 'Observation', interactions: ['c'], patient: { kind: 'none' } })).toMatchObject({ status: 403 });
  });

  it('never grants the audit trail, metrics or users through a wildcard', () => {
    const c = subject('clinician');
    for (const t of ['AuditEvent', 'Metrics', 'User', 'Export'])
      expect(authorize(c, read(t, { kind: 'none' })), t).toMatchObject({ status: 403 });
    expect(authorize(subject('admin'), read('AuditEvent', { kind: 'none' })).allow).toBe(true);
  });

  it('needs every interaction of a transaction', () => {
    const onlyCreate: Subject = { id: 'x', role: 'clinician', scopes: [rs('user/*.c')] };
    expect(authorize(onlyCreate, { resourceType: '*', interactions: ['c', 'r', 'u', 'd'], patient: { kind: 'all' } })).toMatchObject({
      status: 403,
    });
    expect(authorize(subject('clinician'), { resourceType: '*', interactions: ['c', 'r', 'u', 'd'], patient: { kind: 'all' } }).allow).toBe(
      true,
    );
  });

  it('cuts token scopes down to the role ceiling', () => {
    const { scopes } = parseScopes('system/*.cruds user/Observation.rs patient/AuditEvent.rs');
    expect(effectiveScopes('clinician', scopes)).toEqual([rs('user/Observation.rs')]);
    // Kept per scope list and role: the same answer again, another role its own.
    expect(effectiveScopes('clinician', scopes)).toBe(effectiveScopes('clinician', scopes));
    expect(effectiveScopes('admin', scopes)).toEqual(scopes.filter((s) => s.kind === 'resource'));
    expect(effectiveScopes('clinician', scopes)).toEqual([rs('user/Observation.rs')]);
    const forged: Subject = { id: 'x', role: 'patient', patientId: 'p1', scopes: parseScopes('system/*.cruds').scopes };
    expect(authorize(forged, read('Observation', { kind: 'patient', id: 'p2' }))).toMatchObject({ allow: false, status: 403 });
  });

  it('honours SMART v2 granular filters', () => {
    const lab: Subject = { id: 'x', role: 'clinician', scopes: [rs('user/Observation.rs?category=laboratory')] };
    const search = (params: Record<string, string>): AccessRequest => ({
      resourceType: 'Observation',
      interactions: ['s'],
      patient: { kind: 'all' },
      params,
    });
    expect(authorize(lab, search({ category: 'laboratory' })).allow).toBe(true);
    expect(authorize(lab, search({ category: 'vital-signs' }))).toMatchObject({ status: 403 });
    expect(authorize(lab, search({}))).toMatchObject({ status: 403 });
  });

  it('orders contexts patient < user < system when comparing scopes', () => {
    expect(scopeCovers(rs('system/*.cruds'), rs('patient/Observation.r'))).toBe(true);
    expect(scopeCovers(rs('patient/*.cruds'), rs('user/Observation.r'))).toBe(false);
    expect(scopeCovers(rs('user/*.rs'), rs('user/AuditEvent.rs'))).toBe(false);
    expect(scopeCovers(rs('user/Observation.rs'), rs('user/Observation.rs?category=laboratory'))).toBe(true);
    expect(scopeCovers(rs('user/Observation.rs?category=laboratory'), rs('user/Observation.rs'))).toBe(false);
  });
});
