// Test support, imported as '@vitaltwin/platform/testing' by test files only.

export type { TemporaryPostgres, TestEngine } from './testing/test-databases.ts';
export {
  createTemporaryPostgres,
  pgliteEngine,
  postgresAdminUrl,
  postgresEngine,
  postgresUnavailableReason,
  servicesRequired,
  shouldRunPostgres,
  testEngines,
} from './testing/test-databases.ts';
