import type { Resource } from '@medplum/fhirtypes';
import { isVitaltwinError } from '@vitaltwin/core';
import { idPattern } from '../reference-string.ts';
import { precheckFhirResource } from '../resource-validation.ts';
import type { ImportItem, ImportUnit } from './import-item.ts';
import { type ImportProblem, problemsOfError } from './import-problem.ts';
import { stableId } from './stable-id.ts';

/**
 * Reads one JSON document into an import unit:
 *  - a `transaction` or `batch` Bundle whose entries are creates (`POST`, also conditional with
 *    `ifNoneExist`) and updates (`PUT Type/id`) becomes upserts with stable ids; one with other
 *    interactions (DELETE, PATCH, conditional PUT, GET) keeps full transaction semantics, its plain
 *    creates turned into `PUT Type/<stable id>` so that it too can be imported twice;
 *  - a `collection`, `document` or `searchset` Bundle: every entry's resource is an upsert with its
 *    id (`request` is absent in these, R4 bundle.html bdl-3);
 *  - a single resource: one upsert.
 * Bundle-local references (`urn:uuid:` and other fullUrls) are rewritten later, once every entry's
 * final id is known (import-references.ts).
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function planDocument(file: string, document: unknown): ImportUnit {
  const problems: ImportProblem[] = [];
  const unit = (items: ImportItem[], read: number, transaction?: unknown): ImportUnit => ({
    file,
    atomic: true,
    items,
    problems,
    endOfFile: true,
    read,
    ...(transaction !== undefined ? { transaction } : {}),
  });
  if (!isObject(document) || typeof document['resourceType'] !== 'string') {
    problems.push({ file, message: 'not a FHIR resource or Bundle (no resourceType)' });
    return unit([], 0);
  }
  if (document['resourceType'] !== 'Bundle') {
    const item = readItem(file, document, undefined, { kind: 'resource' }, problems);
    return unit(item ? [item] : [], 1);
  }
  const type = document['type'];
  const entries = document['entry'] === undefined ? [] : document['entry'];
  if (!Array.isArray(entries)) {
    problems.push({ file, path: 'entry', message: 'Bundle.entry must be an array' });
    return unit([], 0);
  }
  if (type === 'transaction' || type === 'batch') return planTransaction(file, document, entries, problems, unit);
  if (type !== 'collection' && type !== 'document' && type !== 'searchset') {
    problems.push({
      file,
      path: 'type',
      message: `Bundle.type ${JSON.stringify(type)} is not imported (transaction, batch, collection, document or searchset)`,
    });
    return unit([], entries.length);
  }
  const items: ImportItem[] = [];
  entries.forEach((entry: unknown, index) => {
    if (!isObject(entry)) {
      problems.push({ file, path: `entry[${index}]`, message: 'entry is not an object' });
      return;
    }
    // A searchset's OperationOutcome entries (search.mode = outcome) describe the search, not data.
    if (isObject(entry['search']) && entry['search']['mode'] === 'outcome') return;
    if (entry['resource'] === undefined) return;
    const fullUrl = typeof entry['fullUrl'] === 'string' ? entry['fullUrl'] : undefined;
    const item = readItem(file, entry['resource'], fullUrl, { kind: 'entry', index }, problems);
    if (item) items.push(item);
  });
  return unit(items, entries.length);
}

function planTransaction(
  file: string,
  bundle: Json,
  entries: unknown[],
  problems: ImportProblem[],
  unit: (items: ImportItem[], read: number, transaction?: unknown) => ImportUnit,
): ImportUnit {
  const items: ImportItem[] = [];
  let full = false;
  entries.forEach((entry: unknown, index) => {
    const request = isObject(entry) && isObject(entry['request']) ? entry['request'] : undefined;
    const method = request?.['method'];
    const url = typeof request?.['url'] === 'string' ? request['url'] : '';
    const [path = '', query] = url.split('?', 2);
    const segments = path.split('/').filter((s) => s !== '');
    const plainCreate = method === 'POST' && query === undefined && segments.length === 1;
    const plainUpdate = method === 'PUT' && query === undefined && segments.length === 2;
    if (!isObject(entry) || (!plainCreate && !plainUpdate)) {
      full = true;
      return;
    }
    const fullUrl = typeof entry['fullUrl'] === 'string' ? entry['fullUrl'] : undefined;
    const location = { kind: 'entry', index } as const;
    const resource = entry['resource'];
    if (isObject(resource) && resource['resourceType'] !== segments[0]) {
      problems.push({ file, path: `entry[${index}].request.url`, message: `${url} does not match the resource type` });
      return;
    }
    if (plainUpdate && isObject(resource)) {
      const id = segments[1]!;
      if (resource['id'] !== undefined && resource['id'] !== id) {
        problems.push({ file, path: `entry[${index}].resource.id`, message: `the id differs from request.url ${url}` });
        return;
      }
      const item = readItem(file, { ...resource, id }, fullUrl, location, problems);
      if (item) items.push(item);
      return;
    }
    const ifNoneExist = typeof request?.['ifNoneExist'] === 'string' ? request['ifNoneExist'] : undefined;
    const item = readItem(file, resource, fullUrl, location, problems, ifNoneExist);
    if (item) items.push(item);
  });
  if (!full) return unit(items, entries.length);
  // Full transaction semantics: keep the Bundle, with plain creates made idempotent.
  const rewritten = entries.map((entry: unknown) => {
    if (!isObject(entry) || !isObject(entry['request']) || !isObject(entry['resource'])) return entry;
    const request = entry['request'];
    const resource = entry['resource'];
    const type = resource['resourceType'];
    if (request['method'] !== 'POST' || request['ifNoneExist'] !== undefined || typeof type !== 'string') return entry;
    if (typeof request['url'] !== 'string' || request['url'].includes('?')) return entry;
    const id = stableId(type, resource, typeof entry['fullUrl'] === 'string' ? entry['fullUrl'] : undefined);
    return { ...entry, resource: { ...resource, id }, request: { ...request, method: 'PUT', url: `${type}/${id}` } };
  });
  return unit([], entries.length, { ...bundle, entry: rewritten });
}

function readItem(
  file: string,
  raw: unknown,
  fullUrl: string | undefined,
  location: ImportItem['location'],
  problems: ImportProblem[],
  ifNoneExist?: string,
): ImportItem | undefined {
  let resource: Resource;
  try {
    resource = precheckFhirResource(raw);
  } catch (error) {
    if (!isVitaltwinError(error)) throw error;
    problems.push(...problemsOfError(file, location, error));
    return undefined;
  }
  const id = stableId(resource.resourceType, resource as unknown as Json, fullUrl);
  if (!idPattern.test(id)) {
    problems.push(...problemsOfError(file, location, new Error(`cannot derive a valid id from fullUrl ${fullUrl}`)));
    return undefined;
  }
  return {
    resourceType: resource.resourceType,
    id,
    resource: { ...resource, id },
    location,
    ...(fullUrl !== undefined ? { fullUrl } : {}),
    ...(ifNoneExist !== undefined ? { ifNoneExist } : {}),
  };
}
