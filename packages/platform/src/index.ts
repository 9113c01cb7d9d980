export type { EventFilter, EventListener, SequencedEvent, TwinEvent, TwinEventType } from './events/event-bus.ts';
export { EventBus, matches as eventMatches } from './events/event-bus.ts';
export type { Migration, MigrationReport } from './store/migrations.ts';
export { loadMigrations, migrate } from './store/migrations.ts';
export type { DatabaseTarget } from './store/open-database.ts';
export { describeTarget, openDatabase } from './store/open-database.ts';
export type { DatabaseEngine, SqlClient, SqlQueryable } from './store/sql-client.ts';
export type { DeviceReading, StoredReading } from './store/time-series-store.ts';
export { TimeSeriesStore } from './store/time-series-store.ts';
