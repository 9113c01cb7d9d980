import { defineConfig } from 'vitest/config';

// One run covers every package. `*.int.test.ts` files use embedded PGlite and the embedded broker
// always, and PostgreSQL / Mosquitto when reachable (skipped with a printed reason otherwise; with
// VITALTWIN_REQUIRE_SERVICES=1, as CI sets, an unreachable service fails the run instead).
export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'apps/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'threads',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
