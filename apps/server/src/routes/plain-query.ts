import { VitaltwinError } from '@vitaltwin/core';
import type { FastifyRequest } from 'fastify';

/**
 * The query string of a Vitaltwin JSON route (alerts, events, audit, ward, twins, dead letters) as
 * one string per parameter, every name among `allowed`. Fastify's parser hands a repeated
 * parameter over as an array; these routes take comma-separated lists instead, so a repeat, like
 * a name the route does not know (`limit` for `_count`), is a 400 that names it rather than a
 * value silently dropped or a crash. The FHIR API reads its query itself (fhir-http.ts queryOf),
 * where repeats mean AND.
 */
export function plainQuery<K extends string>(request: FastifyRequest, allowed: readonly K[]): { readonly [P in K]?: string } {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const problems: { message: string; expression: string }[] = [];
  const out: Partial<Record<K, string>> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!(allowed as readonly string[]).includes(name)) {
      problems.push({ message: `unknown parameter ${name}; this route takes ${allowed.join(', ')}`, expression: name });
    } else if (typeof value !== 'string') {
      problems.push({
        message: `${name} is given more than once; give one value (a list separated by commas where it takes several)`,
        expression: name,
      });
    } else out[name as K] = value;
  }
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
  return out;
}
