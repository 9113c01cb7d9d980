import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Response headers that close off browser attack surface (OWASP Secure Headers Project):
 * no MIME sniffing, no framing, no referrer, a Content-Security-Policy (API responses may load
 * nothing; HTML, such as the web app, only its own scripts), HSTS when served over TLS
 * (RFC 6797), and `Cache-Control: no-store` so caches keep no PHI. CORS (Fetch standard) only for
 * the configured origins; a preflight from any other origin is refused. Headers go on the raw
 * response, so they also cover streams that bypass Fastify's reply. Called from the auth hooks
 * (one hook per phase keeps the per-request overhead low).
 */
const htmlCsp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
const allowedHeaders = 'authorization, content-type, accept, if-match, if-none-exist, prefer, last-event-id';
const allowedMethods = 'GET, HEAD, POST, PUT, PATCH, DELETE';

export interface SecurityHeaders {
  /** Sets the headers; returns true when it answered a CORS preflight itself. */
  onRequest(request: FastifyRequest, reply: FastifyReply): boolean;
  onSend(reply: FastifyReply): void;
}

export function securityHeaders(options: { tls: boolean; corsOrigins: readonly string[] }): SecurityHeaders {
  const origins = new Set(options.corsOrigins);
  const fixed: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"],
    ['Cache-Control', 'no-store'],
    ...(options.tls ? ([['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']] as [string, string][]) : []),
  ];
  return {
    onRequest(request, reply) {
      const raw = reply.raw;
      for (const [name, value] of fixed) raw.setHeader(name, value);
      const origin = request.headers.origin;
      const allowed = typeof origin === 'string' && origins.has(origin);
      if (allowed) {
        raw.setHeader('Access-Control-Allow-Origin', origin);
        raw.setHeader('Vary', 'Origin');
        raw.setHeader('Access-Control-Expose-Headers', 'location, etag, content-location, www-authenticate, retry-after');
      }
      if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return false;
      if (!allowed) {
        reply.code(403).type('text/plain').send('origin not allowed');
        return true;
      }
      raw.setHeader('Access-Control-Allow-Methods', allowedMethods);
      raw.setHeader('Access-Control-Allow-Headers', allowedHeaders);
      raw.setHeader('Access-Control-Max-Age', '600');
      reply.code(204).send();
      return true;
    },
    onSend(reply) {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('text/html')) reply.header('Content-Security-Policy', htmlCsp);
    },
  };
}
