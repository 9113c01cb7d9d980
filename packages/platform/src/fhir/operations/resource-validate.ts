import type { Resource } from '@medplum/fhirtypes';
import { type OperationOutcome, type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { precheckFhirResource, validationProblems } from '../resource-validation.ts';

/**
 * `[type]/$validate` and `[type]/[id]/$validate` (FHIR R4 operation-resource-validate.html): would
 * this content be accepted, generally or as a create, an update or a delete? The answer is an
 * OperationOutcome with 200 whether the content is valid or not; an HTTP error means the question
 * could not be answered (a malformed Parameters envelope, an unknown mode, a profile this server
 * cannot check against). The checks are the write path's own: the same precheck and R4
 * StructureDefinition validator (resource-validation.ts) and, for an update, the same id and
 * If-Match version rules (resource-writes.ts, resource-writer.ts). Nothing is written.
 */
export type ValidationMode = 'general' | 'create' | 'update' | 'delete';

export interface ValidateRequest {
  readonly resource?: unknown;
  readonly mode: ValidationMode;
  readonly profile?: string;
}

/** What the update and delete modes need to know of the stored resource. */
export interface StoredVersions {
  /** The live version of type/id, or undefined when there is none (never written, or deleted). */
  currentVersion(type: string, id: string): Promise<number | undefined>;
}

const modes: ReadonlySet<string> = new Set(['create', 'update', 'delete']);
const parameterNames: ReadonlySet<string> = new Set(['resource', 'mode', 'profile']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (message: string, expression?: string) =>
  new VitaltwinError('VT_ERR_INVALID_INPUT', message, [{ message, ...(expression ? { expression } : {}) }]);

/**
 * The operation's inputs from the body and the URL. The body is either a Parameters resource
 * (`resource`, `mode`, `profile`) or the resource itself, with `mode` and `profile` in the URL.
 */
export function parseValidateRequest(type: string, body: unknown, query: URLSearchParams): ValidateRequest {
  const fromQuery = new Map<string, string>();
  for (const name of ['mode', 'profile']) {
    const values = query.getAll(name);
    if (values.length > 1) throw invalid(`${name} may be given once`, name);
    if (values[0] !== undefined) fromQuery.set(name, values[0]);
  }
  let resource: unknown = body === '' || body === null ? undefined : body;
  const fromBody = new Map<string, string>();
  if (isEnvelope(type, body)) {
    resource = undefined;
    const parameters = body['parameter'] ?? [];
    if (!Array.isArray(parameters)) throw invalid('Parameters.parameter must be a list', 'Parameters.parameter');
    const seen = new Set<string>();
    for (const [i, p] of parameters.entries()) {
      const at = `Parameters.parameter[${i}]`;
      const name = isObject(p) ? p['name'] : undefined;
      if (typeof name !== 'string' || !parameterNames.has(name)) {
        throw invalid(`unknown parameter ${typeof name === 'string' ? name : '(no name)'}; $validate takes resource, mode and profile`, at);
      }
      if (seen.has(name)) throw invalid(`${name} may be given once`, at);
      seen.add(name);
      const param = p as Json;
      if (name === 'resource') {
        if (!isObject(param['resource'])) throw invalid('resource must carry a resource', `${at}.resource`);
        resource = param['resource'];
        continue;
      }
      const value = param['valueCode'] ?? param['valueUri'] ?? param['valueCanonical'] ?? param['valueString'];
      if (typeof value !== 'string') throw invalid(`${name} needs a value (valueCode, valueUri or valueCanonical)`, at);
      fromBody.set(name, value);
    }
  }
  const pick = (name: string): string | undefined => {
    const a = fromQuery.get(name);
    const b = fromBody.get(name);
    if (a !== undefined && b !== undefined && a !== b) throw invalid(`${name} differs between the URL (${a}) and the body (${b})`, name);
    return a ?? b;
  };
  const modeText = pick('mode');
  if (modeText !== undefined && !modes.has(modeText)) throw invalid(`mode must be create, update or delete, not ${modeText}`, 'mode');
  const mode = (modeText ?? 'general') as ValidationMode;
  const profile = pick('profile');
  return { mode, ...(resource !== undefined ? { resource } : {}), ...(profile !== undefined ? { profile } : {}) };
}

/** A Parameters body is the envelope unless Parameters is itself what is being validated. */
function isEnvelope(type: string, body: unknown): body is Json {
  if (!isObject(body) || body['resourceType'] !== 'Parameters') return false;
  if (type !== 'Parameters') return true;
  const parameters = body['parameter'];
  return Array.isArray(parameters) && parameters.some((p) => isObject(p) && p['name'] === 'resource' && isObject(p['resource']));
}

/** The base definition of a type: the one profile every stored resource is checked against. */
export function baseProfile(type: string): string {
  return `http://hl7.org/fhir/StructureDefinition/${type}`;
}

function checksBaseProfile(type: string, profile: string): boolean {
  const [url, version] = profile.split('|');
  return url === baseProfile(type) && (version === undefined || version === '4.0.1' || version === '4.0');
}

/** Runs the validation; throws only when it cannot be performed. */
export async function validateResourceOperation(
  stored: StoredVersions,
  target: { readonly type: string; readonly id?: string; readonly ifMatch?: number },
  request: ValidateRequest,
): Promise<OperationOutcome> {
  const { type, id } = target;
  const { mode } = request;
  if ((mode === 'update' || mode === 'delete') && id === undefined) {
    throw invalid(`mode ${mode} validates against a stored resource: use ${type}/[id]/$validate`, 'mode');
  }
  if (mode === 'create' && id !== undefined) throw invalid(`mode create is asked of the type: use ${type}/$validate`, 'mode');
  if (request.profile !== undefined && !checksBaseProfile(type, request.profile)) {
    throw new VitaltwinError('VT_ERR_NOT_SUPPORTED', `cannot validate against profile ${request.profile}`, [
      { message: `this server validates against the base R4 definition only (${baseProfile(type)})`, expression: 'profile' },
    ]);
  }
  const problems: ProblemDetail[] = [];
  if (mode === 'delete') {
    const version = await stored.currentVersion(type, id as string);
    if (target.ifMatch !== undefined && version !== target.ifMatch)
      problems.push(versionConflict(type, id as string, version, target.ifMatch));
    else if (version === undefined) problems.push(info(`${type}/${id} does not exist: a delete would change nothing`));
    return outcome(problems, `${type}/${id} may be deleted`);
  }
  if (request.resource === undefined) throw invalid(`resource is required unless mode is delete`, 'resource');
  problems.push(...contentProblems(type, request.resource));
  const resource = request.resource as Json;
  if (mode === 'create' && resource['id'] !== undefined) {
    problems.push(info('a create assigns a new id: the id given is ignored', `${type}.id`));
  }
  if (mode === 'update') problems.push(...(await updateProblems(stored, target, resource)));
  const meta = isObject(resource['meta']) ? resource['meta'] : {};
  const claimed = Array.isArray(meta['profile']) ? meta['profile'].filter((p): p is string => typeof p === 'string') : [];
  for (const profile of claimed.filter((p) => !checksBaseProfile(type, p))) {
    problems.push({
      message: `meta.profile ${profile} was not checked: this server validates against the base R4 definition only`,
      expression: `${type}.meta.profile`,
      severity: 'warning',
      issueCode: 'not-supported',
    });
  }
  const as = mode === 'general' ? 'valid R4' : `acceptable as ${mode === 'create' ? 'a create' : 'an update'}`;
  return outcome(problems, `${type} is ${as}`);
}

/** The write path's precheck and validator verdict, as problems rather than a thrown error. */
function contentProblems(type: string, input: unknown): ProblemDetail[] {
  let resource: Resource;
  try {
    resource = precheckFhirResource(input, type);
  } catch (error) {
    if (!(error instanceof VitaltwinError)) throw error;
    return error.problems.length > 0 ? [...error.problems] : [{ message: error.message }];
  }
  return validationProblems(resource);
}

async function updateProblems(
  stored: StoredVersions,
  target: { readonly type: string; readonly id?: string; readonly ifMatch?: number },
  resource: Json,
): Promise<ProblemDetail[]> {
  const { type, id = '' } = target;
  if (resource['id'] === undefined)
    return [{ message: 'an update must carry the resource id', expression: `${type}.id`, issueCode: 'required' }];
  if (resource['id'] !== id)
    return [{ message: `resource id ${String(resource['id'])} does not match the URL id ${id}`, expression: `${type}.id` }];
  const version = await stored.currentVersion(type, id);
  if (target.ifMatch !== undefined && version !== target.ifMatch) return [versionConflict(type, id, version, target.ifMatch)];
  return version === undefined ? [info(`${type}/${id} does not exist: an update would create it`)] : [];
}

function versionConflict(type: string, id: string, version: number | undefined, ifMatch: number): ProblemDetail {
  return { message: `${type}/${id} is at version ${version ?? 'none'}, not ${ifMatch} (If-Match)`, issueCode: 'conflict' };
}

function info(message: string, expression?: string): ProblemDetail {
  return { message, severity: 'information', issueCode: 'informational', ...(expression ? { expression } : {}) };
}

/** The operation's OperationOutcome: every problem, and "All OK" with what was checked when none is an error. */
function outcome(problems: readonly ProblemDetail[], okText: string): OperationOutcome {
  const issue = problems.map((p) => ({
    severity: p.severity ?? 'error',
    code: p.issueCode ?? 'invalid',
    details: { text: p.message },
    diagnostics: p.message,
    ...(p.expression ? { expression: [p.expression] } : {}),
  }));
  if (!issue.some((i) => i.severity === 'error')) {
    issue.unshift({
      severity: 'information',
      code: 'informational',
      details: { text: `All OK: ${okText}` },
      diagnostics: `All OK: ${okText}`,
    });
  }
  return { resourceType: 'OperationOutcome', issue };
}
