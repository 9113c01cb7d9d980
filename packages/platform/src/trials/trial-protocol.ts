import { createHash } from 'node:crypto';
import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import type { z } from 'zod';
import { type TrialProtocol, trialProtocolSchema } from './trial-protocol-schema.ts';

/** `$.arms[1].controller.crScale` from a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const p of path)
    out +=
      typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`;
  return out;
}

function problemsOf(error: z.ZodError): ProblemDetail[] {
  return error.issues.flatMap((issue): ProblemDetail[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ message: 'unknown property', expression: jsonPath([...issue.path, k]), severity: 'error' }));
    }
    const message = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'required' : issue.message;
    return [{ message, expression: jsonPath(issue.path), severity: 'error' }];
  });
}

/**
 * Validates a protocol given as untyped JSON and fills in every default. Throws one `VitaltwinError`
 * (`VT_ERR_VALIDATION`) listing each problem with its JSON path, e.g.
 * `$.arms[1].controller.crScale: crScale must be > 0`.
 */
export function parseTrialProtocol(json: unknown): TrialProtocol {
  const parsed = trialProtocolSchema.safeParse(json);
  if (!parsed.success) {
    const problems = problemsOf(parsed.error);
    const first = problems[0];
    const summary = first
      ? `${first.expression}: ${first.message}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`
      : 'invalid';
    throw new VitaltwinError('VT_ERR_VALIDATION', `invalid trial protocol: ${summary}`, problems);
  }
  return parsed.data;
}

/** JSON with object keys sorted at every level: one canonical text per protocol. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the canonical normalised protocol (defaults included, `$schema` and `description`s excluded). */
export function protocolHash(protocol: TrialProtocol): string {
  const { $schema: _schema, description: _description, ...rest } = protocol;
  const arms = rest.arms.map(({ description: _d, ...arm }) => arm);
  return createHash('sha256')
    .update(canonicalJson({ ...rest, arms }))
    .digest('hex');
}
