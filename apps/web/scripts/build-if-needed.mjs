// Builds the web app only when apps/web/dist is missing or older than its sources (the app's
// src, index.html, config and the core package it imports), so `npm start` stays fast after the
// first run. Prints one line saying what it did.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const web = fileURLToPath(new URL('..', import.meta.url));
const built = join(web, 'dist', 'index.html');
const sources = [
  join(web, 'src'),
  join(web, 'public'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(web, 'package.json'),
  join(web, '../../packages/core/src'),
];

function newestMs(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMs(join(path, entry)));
  return newest;
}

const builtMs = existsSync(built) ? statSync(built).mtimeMs : 0;
if (builtMs > 0 && builtMs >= Math.max(...sources.map(newestMs))) {
  process.stdout.write('web app is up to date (apps/web/dist)\n');
} else {
  const t0 = performance.now();
  await build({ configFile: join(web, 'vite.config.ts'), root: web, logLevel: 'warn' });
  process.stdout.write(`web app built into apps/web/dist in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
