import type { EventBus, FhirRepository, IngestPipeline, MonitoringRuntime, SqlClient } from '@vitaltwin/platform';
import type { ServerSecurity } from './auth/server-security.ts';
import type { ServerConfig } from './config/server-config.ts';

/**
 * What route plugins share: configuration, the database and shutdown hooks. Built once by the
 * composition root (start-server.ts) and passed down; nothing below reads the environment.
 */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly db: SqlClient;
  /** The FHIR R4 repository (validation, versions, search) shared by the API, monitoring and the demo. */
  readonly fhir: FhirRepository;
  /** Real-time fan-out of readings, scores, alerts and job progress to `/events` and subscribers. */
  readonly events: EventBus;
  /** Device ingest (MQTT and POST /ingest): decode, bind, normalise, batch, store, dead-letter. */
  readonly ingest: IngestPipeline;
  /** Vital-sign monitoring: scores, alerts (`monitoring.alerts`), sweeps, FHIR Subscription delivery. */
  readonly monitoring: MonitoringRuntime;
  /** Authentication, audit trail and de-identification (auth/); absent only where no server runs. */
  readonly security?: ServerSecurity;
  readonly version: string;
  readonly startedAtMs: number;
  /** Work to run on graceful shutdown before the database closes (flush buffers, stop consumers). */
  readonly onShutdown: (hook: () => Promise<void>) => void;
}
