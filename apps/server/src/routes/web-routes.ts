import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';

/**
 * The clinician web app (apps/web, built by `npm run build -w @vitaltwin/web` into apps/web/dist)
 * at `/app/`, with `/` redirecting there. Client-side routes (`/app/patients/p1`) get index.html
 * (single-page-app fallback); a missing asset stays a 404. Hashed assets are cached for a year
 * (their names change with their content); index.html is never cached, so a new build shows at
 * once. The shell holds no patient data: it is public, and every data call carries the user's token.
 * Security headers (CSP for HTML, nosniff, frame denial) come from auth/security-headers.ts.
 */
export const webDistDir = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const notBuilt = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Vitaltwin</title>
<body style="font-family:system-ui;margin:2rem"><h1>Vitaltwin</h1>
<p>The web app is not built yet. Run <code>npm run build -w @vitaltwin/web</code> (or <code>npm start</code>, which builds it) and reload.</p>
<p>The API is up: <a href="/healthz">/healthz</a>, <a href="/fhir/metadata">/fhir/metadata</a>.</p></body></html>`;

export async function webRoutes(app: FastifyInstance, _ctx: ServerContext, distDir = webDistDir): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect('/app/', 302));
  const indexFile = join(distDir, 'index.html');
  await app.register(
    async (web) => {
      // Files are looked up per request, so a build made while the server runs is served at once.
      if (existsSync(distDir)) {
        await web.register(fastifyStatic, {
          root: distDir,
          prefix: '/',
          index: ['index.html'],
          redirect: true,
          cacheControl: false,
          setHeaders(res, path) {
            res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-store');
          },
        });
      } else {
        web.get('/', (_request, reply) => reply.callNotFound());
      }
      // Client-side routes have no file: answer with the app shell. Paths that look like files 404.
      web.setNotFoundHandler(async (request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        if ((request.method !== 'GET' && request.method !== 'HEAD') || /\.[A-Za-z0-9]{1,8}$/.test(path)) {
          return reply.code(404).type('text/plain; charset=utf-8').send('not found');
        }
        const html = await readFile(indexFile, 'utf8').catch(() => notBuilt);
        return reply
          .code(html === notBuilt ? 503 : 200)
          .header('Cache-Control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(html);
      });
    },
    { prefix: '/app' },
  );
}
