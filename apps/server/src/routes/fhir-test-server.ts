import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemporaryPostgres } from '@vitaltwin/platform/testing';
import { loadServerConfig } from '../config/server-config.ts';
import { type RunningServer, startServer } from '../start-server.ts';

/**
 * Test support for the FHIR integration suites: a running server on a fresh database of either
 * engine (PGlite in a temporary data directory, or a new PostgreSQL database), and the Synthea
 * bundles from the shared data folder.
 */
export interface FhirTestServer {
  readonly server: RunningServer;
  readonly fhirBase: string;
  stop(): Promise<void>;
}

export async function startFhirTestServer(engine: 'pglite' | 'postgres'): Promise<FhirTestServer> {
  if (engine === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'vt-fhir-'));
    const server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
    return {
      server,
      fhirBase: `${server.url}/fhir`,
      async stop() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const temp = await createTemporaryPostgres();
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-fhir-pg-'));
  const server = await startServer(
    loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, databaseUrl: temp.url, logLevel: 'silent' }, env: {} }),
  );
  return {
    server,
    fhirBase: `${server.url}/fhir`,
    async stop() {
      await server.stop();
      await temp.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const syntheaDir = new URL('../../../../../shared/data/synthea/', import.meta.url);

export interface SyntheaBundle {
  readonly file: string;
  readonly bundle: { type: string; entry: { fullUrl?: string; resource: { resourceType: string; id?: string }; request?: unknown }[] };
}

/** The 16 Synthea patient bundles (pathling and smart-generated-sample-data folders), sorted by path. */
export async function readSyntheaBundles(): Promise<SyntheaBundle[]> {
  const out: SyntheaBundle[] = [];
  for (const folder of ['pathling', 'smart-generated-sample-data']) {
    const dir = new URL(`${folder}/`, syntheaDir);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const file of files) out.push({ file: `${folder}/${file}`, bundle: JSON.parse(await readFile(new URL(file, dir), 'utf8')) });
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary FHIR JSON from responses.
export type Json = { resourceType: string; [key: string]: any };

/** Creates the suites' test patient (Anna Lena Müller, MRN-1, born 1961-07-14) and returns its id. */
export async function createTestPatient(client: {
  create(params: { resourceType: string; body: Json }): Promise<unknown>;
}): Promise<string> {
  const patient = (await client.create({
    resourceType: 'Patient',
    body: {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:vitaltwin:test-mrn', value: 'MRN-1' }],
      name: [{ family: 'Müller', given: ['Anna', 'Lena'] }],
      gender: 'female',
      birthDate: '1961-07-14',
    },
  })) as Json;
  return patient.id as string;
}
export const loinc = 'http://loinc.org';
export const ucum = 'http://unitsofmeasure.org';

/** A vital-sign Observation for a patient, coded in LOINC with a UCUM quantity. */
export function observation(
  patientId: string,
  code: string,
  effective: string,
  value: number,
  unit: string,
  extra: Record<string, unknown> = {},
): Json {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: loinc, code }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: effective,
    valueQuantity: { value, unit, system: ucum, code: unit },
    ...extra,
  };
}

/** A blood pressure panel (85354-9) with systolic 8480-6 and diastolic 8462-4 components. */
export function bloodPressure(patientId: string, effective: string, systolic: number, diastolic: number): Json {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: loinc, code: '85354-9' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: effective,
    component: [
      {
        code: { coding: [{ system: loinc, code: '8480-6' }] },
        valueQuantity: { value: systolic, unit: 'mm[Hg]', system: ucum, code: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: loinc, code: '8462-4' }] },
        valueQuantity: { value: diastolic, unit: 'mm[Hg]', system: ucum, code: 'mm[Hg]' },
      },
    ],
  };
}

/** The HTTP status and body of a fhir-kit-client call (200 and a placeholder when it succeeded). */
export async function statusOf(promise: Promise<unknown>): Promise<{ status: number; data: Json }> {
  try {
    await promise;
    return { status: 200, data: { resourceType: 'none' } };
  } catch (error) {
    const response = (error as { response?: { status: number; data: Json } }).response;
    if (!response) throw error;
    return response;
  }
}

/** Ids of the match and include entries of a Bundle. */
export const ids = (bundle: Json): string[] =>
  (bundle.entry ?? []).filter((e: Json) => e.search?.mode !== 'outcome').map((e: Json) => e.resource.id);
