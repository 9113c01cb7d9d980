import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { maxChainLinks } from './chained-search.ts';
import { metaParams } from './meta-params.ts';
import { columnParams, fhirResourceTypes, searchModel } from './search-parameter-registry.ts';

/**
 * The server's CapabilityStatement (`GET [base]/metadata`), generated from the search registry
 * that drives indexing and search: every resource type with the search parameters actually
 * indexed (unsupported ones are left out), the reference parameters usable in _include and
 * _revinclude, and the interactions and operations the REST layer implements.
 */
export interface CapabilityOptions {
  readonly baseUrl: string;
  readonly softwareVersion: string;
  /** Fixed date for the statement (when the server started). */
  readonly date: string;
}

/** Type-level interactions implemented for every resource type (FHIR R4 http.html). */
export const typeInteractions = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
] as const;

/** Operations by resource type, with their canonical definitions. */
export const typeOperations: Readonly<Record<string, readonly { name: string; definition: string }[]>> = {
  Patient: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
  Observation: [{ name: 'lastn', definition: 'http://hl7.org/fhir/OperationDefinition/Observation-lastn' }],
};

/** `$validate` on every type and instance (operations/resource-validate.ts). */
const validateOperation = { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' };

export const systemOperations = [
  { name: 'submit-cgm-bundle', definition: 'http://hl7.org/fhir/uv/cgm/OperationDefinition/submit-cgm-bundle' },
] as const;

export function capabilityStatement(options: CapabilityOptions): CapabilityStatement {
  const resources: CapabilityStatementRestResource[] = [];
  const referenceParams = new Map<string, string[]>();
  for (const type of fhirResourceTypes()) {
    const model = searchModel(type);
    if (!model) continue;
    const refs = [...model.params.values()].filter((p) => p.type === 'reference').map((p) => p.code);
    referenceParams.set(type, refs);
  }
  for (const type of fhirResourceTypes()) {
    const model = searchModel(type)!;
    const params = [...model.params.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const revincludes: string[] = [];
    for (const [source, refs] of referenceParams) {
      for (const code of refs) {
        const p = searchModel(source)!.params.get(code)!;
        if (p.targets.includes(type)) revincludes.push(`${source}:${code}`);
      }
    }
    resources.push({
      type: type as CapabilityStatementRestResource['type'],
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction: typeInteractions.map((code) => ({ code })),
      versioning: 'versioned',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalRead: 'full-support',
      conditionalUpdate: true,
      conditionalDelete: 'single',
      referencePolicy: ['literal', 'local'],
      searchInclude: (referenceParams.get(type) ?? []).map((code) => `${type}:${code}`),
      searchRevInclude: revincludes,
      searchParam: [
        ...Object.entries(columnParams).map(([name, p]) => ({ name, definition: p.url, type: p.type })),
        ...Object.entries(metaParams).map(([name, p]) => ({ name, definition: p.url, type: p.type })),
        ...params.map((p) => ({
          name: p.code,
          definition: p.url,
          type: p.type,
          ...(p.description ? { documentation: p.description } : {}),
        })),
      ],
      operation: [...(typeOperations[type] ?? []), validateOperation].map((o) => ({ ...o })),
    });
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    kind: 'instance',
    software: { name: 'Vitaltwin', version: options.softwareVersion },
    implementation: { description: 'Vitaltwin FHIR R4 server', url: options.baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Search: chained parameters on every reference parameter (`patient.identifier=...`, `subject:Patient.name=...`, up to ' +
          `${maxChainLinks} links) and reverse chaining (\`_has:Observation:patient:code=...\`). Token modifiers :not, :missing, :text ` +
          '(CodeableConcept.text, Coding.display, Identifier.type.text) and :of-type (Identifier type and value); reference :identifier. ' +
          'Searches on PostgreSQL run under a time limit ' +
          '(a 400 too-costly past it). Conditional read answers 304 to If-None-Match and If-Modified-Since.',
        resource: resources,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
        operation: systemOperations.map((o) => ({ ...o })),
      },
    ],
  };
}
