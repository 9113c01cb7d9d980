import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app is served by `vitaltwin serve` under /app/ (apps/server/src/routes/web-routes.ts). In
// development (`npm run dev -w @vitaltwin/web`) Vite serves it and forwards API calls to a running
// server (VITALTWIN_API, default http://127.0.0.1:8080).
const api = process.env.VITALTWIN_API ?? 'http://127.0.0.1:8080';
const apiPaths = ['/fhir', '/events', '/alerts', '/twins', '/trials', '/ingest', '/auth', '/healthz', '/.well-known'];

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
