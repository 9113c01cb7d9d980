import type { Resource } from '@medplum/fhirtypes';
import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { r4Problems } from './r4-problems.mjs';
import { idPattern } from './reference-string.ts';

/**
 * Validation at the edge: every resource written is checked against the R4 StructureDefinitions
 * with the @medplum/core validator (cardinality, data types and formats, unknown elements,
 * FHIRPath invariants) and for codes outside required value sets and days the calendar lacks (value-rules.mjs), and every
 * problem is reported with its FHIRPath location.
 *
 * Status (FHIR R4 http.html#2.21.0.12, "create"/"update" outcomes): 400 when the body is not a
 * resource in R4 JSON at all (not an object, unknown or wrong resourceType, malformed id, a JSON
 * value of the wrong type, or an element R4 does not define, which a strict R4 parser rejects);
 * 422 when it parses but breaks the R4 rules (missing required elements, bad date formats,
 * invariants).
 */
type Json = Record<string, unknown>;

// Issues that mean "this is not R4 JSON" rather than "this breaks an R4 rule".
const parseLevel = [/^Invalid JSON type/, /^Invalid additional property/, /^Invalid null value/, /^Expected (array|single)/];

export function validateFhirResource(input: unknown, expectedType?: string): Resource {
  const resource = precheckFhirResource(input, expectedType);
  const problems = validationProblems(resource);
  if (problems.length > 0) throw validationError(resource.resourceType, problems);
  return resource;
}

/** The checks made before the validator runs (shape, type, id); returns the input as a Resource. */
export function precheckFhirResource(input: unknown, expectedType?: string): Resource {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'body is not a FHIR resource', [
      { message: 'expected a JSON object with a resourceType', issueCode: 'structure' },
    ]);
  }
  const resource = input as Json;
  const type = resource['resourceType'];
  if (typeof type !== 'string' || !loadFhirDefinitions().resourceTypeSet.has(type)) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'unknown resource type', [
      {
        message: typeof type === 'string' ? `unknown resource type ${type}` : 'resourceType is missing',
        expression: 'resourceType',
        issueCode: 'structure',
      },
    ]);
  }
  if (expectedType !== undefined && type !== expectedType) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `resource type ${type} does not match the URL (${expectedType})`, [
      { message: `expected a ${expectedType}`, expression: 'resourceType', issueCode: 'invalid' },
    ]);
  }
  const id = resource['id'];
  if (id !== undefined && (typeof id !== 'string' || !idPattern.test(id))) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid resource id', [
      { message: 'id must be 1-64 characters of A-Z, a-z, 0-9, - and .', expression: `${type}.id`, issueCode: 'value' },
    ]);
  }
  return resource as unknown as Resource;
}

/** The error for a resource with validator problems: 400 when it is not R4 JSON, else 422. */
export function validationError(type: string, problems: readonly ProblemDetail[]): VitaltwinError {
  const parse = problems.some((p) => parseLevel.some((re) => re.test(p.message)));
  return new VitaltwinError(
    parse ? 'VT_ERR_INVALID_INPUT' : 'VT_ERR_VALIDATION',
    `${type} is not valid FHIR R4 (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
    problems,
  );
}

/** Validates many resources through `validate` (a worker pool, or inline when absent). */
export type BatchValidator = (resources: readonly Resource[]) => Promise<ProblemDetail[][]>;

export const inlineValidator: BatchValidator = async (resources) => resources.map(validationProblems);

/** The validator's error issues as problems (empty when the resource is valid): see r4-problems.mjs. */
export function validationProblems(resource: Resource): ProblemDetail[] {
  loadFhirDefinitions();
  return r4Problems(resource);
}
