import { toOperationOutcome, VitaltwinError } from '@vitaltwin/core';
import { storageError } from '@vitaltwin/platform';
import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * The one place where errors become HTTP responses: a FHIR OperationOutcome with the VT_ERR_* code,
 * the status from the error registry, and never a stack trace or echoed input.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let mapped: unknown = error;
    if (error.validation) {
      mapped = new VitaltwinError(
        'VT_ERR_INVALID_INPUT',
        'invalid request',
        error.validation.map((v) => ({ message: `${v.instancePath || 'request'} ${v.message ?? 'is invalid'}` })),
      );
    } else if (error.statusCode === 413) {
      mapped = new VitaltwinError('VT_ERR_TOO_LARGE', 'request body too large');
    } else if (error.statusCode === 415) {
      mapped = new VitaltwinError('VT_ERR_INVALID_INPUT', 'unsupported content type');
    } else if (typeof error.code === 'string' && /^22[0-9A-Z]{3}$/.test(error.code)) {
      // A database data exception (SQLSTATE class 22: a NUL character, a value out of range) from
      // a route that queried without translating it: the request's value, so a 400.
      mapped = storageError(error);
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 && !(error instanceof VitaltwinError)) {
      mapped = new VitaltwinError(
        'VT_ERR_INVALID_INPUT',
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? 'body is not valid JSON' : 'invalid request',
      );
    }
    const { status, outcome } = toOperationOutcome(mapped);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(status).type('application/fhir+json').send(outcome);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, outcome } = toOperationOutcome(
      new VitaltwinError('VT_ERR_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`),
    );
    reply.code(status).type('application/fhir+json').send(outcome);
  });
}
