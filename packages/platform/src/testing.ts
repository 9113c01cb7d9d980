// Test support, imported as '@vitaltwin/platform/testing' by test files only.

export { mqttBrokerUnavailableReason, shouldRunMqttBroker, testMqttUrl } from './testing/mqtt-broker.ts';
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
export { migrateBefore, type UnmigratedEngine, unmigratedEngines } from './testing/unmigrated-databases.ts';
