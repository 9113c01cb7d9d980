import fc from 'fast-check';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPatient, type FhirTestServer, observation, startFhirTestServer } from './fhir-test-server.ts';

/**
 * Whatever a client sends to `/fhir` gets an answer that is not a server error: random methods on
 * random paths (types real, unknown or miscased; ids valid, too long, with NUL or traversal;
 * versions beyond int4; operations), with random queries, bodies and content types. Every refusal
 * is a FHIR OperationOutcome. (Dot segments are left out: clients resolve them before sending.) The database behind it is PGlite; the search semantics of both
 * engines are fuzzed in packages/platform (search-fuzz.int.test.ts).
 */
describe('FHIR REST API under random requests', () => {
  let t: FhirTestServer;
  let patientId: string;

  beforeAll(async () => {
    t = await startFhirTestServer('pglite');
    const client = new Client({ baseUrl: t.fhirBase });
    patientId = await createTestPatient(client);
    await client.create({ resourceType: 'Observation', body: observation(patientId, '8867-4', '2024-01-02T03:04:05Z', 72, '/min') });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('never answers 5xx, and refuses with an OperationOutcome', async () => {
    const type = fc.constantFrom('Patient', 'Observation', 'Condition', 'NotAType', 'patient');
    const id = fc.constantFrom('PATIENT-ID', 'nope', '%00', 'a%00b', 'x'.repeat(65), '%C3%A9', 'dr-zzzzzzzzzz-0123456789abcdef');
    const version = fc.constantFrom('1', '0', '-1', 'x', '2147483648', '99999999999999999999');
    const operation = fc.constantFrom('$everything', '$lastn', '$validate', '$export', '$submit-cgm-bundle', '$meta', '$nonsense');
    // The shapes of FHIR REST paths (http.html): type, instance, history, version, operations.
    const path = fc.oneof(
      fc.tuple(type),
      fc.tuple(type, id),
      fc.tuple(type, id, fc.constant('_history')),
      fc.tuple(type, id, fc.constant('_history'), version),
      fc.tuple(type, fc.constant('_history')),
      fc.tuple(type, fc.constant('_search')),
      fc.tuple(type, operation),
      fc.tuple(type, id, operation),
      fc.tuple(operation),
      fc.constant(['_history']),
      fc.constant(['metadata']),
      fc.constant([] as string[]),
    );
    const query = fc.constantFrom(
      '',
      '?_count=2',
      '?_count=-1',
      '?_offset=99999999999999999999',
      '?_since=x',
      '?_since=2020-01-01',
      '?_type=Nope',
      '?_type=Patient',
      '?name=%00',
      '?date=gt9999-12-31',
      '?subject:Patient.name=x',
      '?_has:Observation:patient:code=1',
      '?_tag=a|b&_profile=x',
      '?code=http://loinc.org|8867-4&_sort=-date&_include=Observation:patient',
      '?patient=PATIENT-ID&max=x',
      '?_format=xml',
      '?_summary=count&_elements=id',
    );
    const body = fc.constantFrom(
      undefined,
      '',
      'not json',
      'null',
      '[]',
      '{}',
      '{"resourceType":"Patient"}',
      '{"resourceType":"Patient","id":"PATIENT-ID","gender":"other"}',
      '{"resourceType":"Patient","birthDate":"0000-01-01"}',
      '{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/PATIENT-ID"},"valueQuantity":{"value":1e308}}',
      '[{"op":"replace","path":"/gender","value":"male"}]',
      '[{"op":"remove","path":"/resourceType"}]',
      '{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"GET","url":"Patient?_count=1"}}]}',
      '{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"DELETE","url":"Patient/%00"}},{}]}',
      '{"resourceType":"Parameters","parameter":[{"name":"cgmData","resource":{"resourceType":"Bundle","type":"batch"}}]}',
      `{"resourceType":"Patient","extension":[{"url":"x","valueString":"a\\u0000b"}]}`,
    );
    const contentType = fc.constantFrom(
      'application/fhir+json',
      'application/json',
      'application/json-patch+json',
      'application/x-www-form-urlencoded',
      'application/fhir+xml',
      'text/plain',
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
      path,
      query,
      body,
      contentType,
      prefer: fc.constantFrom(undefined, 'respond-async', 'return=minimal', 'handling=strict'),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const fill = (s: string) => s.replaceAll('PATIENT-ID', patientId);
        const url = `${t.fhirBase}/${(r.path as readonly string[]).map(fill).join('/')}${fill(r.query)}`;
        const sendsBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
        const response = await fetch(url, {
          method: r.method,
          headers: {
            accept: 'application/fhir+json',
            ...(sendsBody ? { 'content-type': r.contentType } : {}),
            ...(r.prefer ? { prefer: r.prefer } : {}),
          },
          ...(sendsBody ? { body: fill(r.body!) } : {}),
        });
        const text = await response.text();
        const what = `${r.method} ${url} ${sendsBody ? r.body : ''} -> ${response.status} ${text.slice(0, 300)}`;
        expect(response.status, what).toBeLessThan(500);
        if (response.status >= 400 && r.method !== 'HEAD') expect(JSON.parse(text).resourceType, what).toBe('OperationOutcome');
      }),
      { numRuns: 1000 },
    );
  }, 300_000);
});
