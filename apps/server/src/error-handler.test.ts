import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from './error-handler.ts';

/**
 * Errors become OperationOutcomes with the status their cause deserves: a database data exception
 * (SQLSTATE class 22, e.g. a NUL character in a text value) is the request's value, a 400, and
 * its message (which quotes the value) is not echoed; any other database error stays a 500.
 */
describe('error handler', () => {
  const app = Fastify();
  installErrorHandler(app);
  const fail = (code: string, message: string) => () => {
    throw Object.assign(new Error(message), { code });
  };
  app.get('/nul', fail('22021', 'invalid byte sequence for encoding "UTF8": 0x00'));
  app.get('/range', fail('22003', 'value "99999999999999999999" is out of range for type integer'));
  app.get('/broken', fail('42P01', 'relation "x" does not exist'));
  app.get('/pipe', fail('EPIPE', 'write EPIPE'));

  it.each([
    ['/nul', 400],
    ['/range', 400],
    ['/broken', 500],
    ['/pipe', 500],
  ])('%s answers %i with an OperationOutcome', async (url, status) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(status);
    const outcome = response.json();
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(response.body).not.toContain('99999999999999999999');
    expect(response.body).not.toContain('0x00');
  });
});
