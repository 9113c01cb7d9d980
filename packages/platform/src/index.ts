export type { EventFilter, EventListener, SequencedEvent, TwinEvent, TwinEventType } from './events/event-bus.ts';
export { EventBus, matches as eventMatches } from './events/event-bus.ts';
export { publishReadings } from './events/reading-events.ts';
export { parseETag } from './fhir/bundle-entries.ts';
// FHIR R4 repository and REST semantics (fhir/): batch write path (writeTransaction,
// importResources), streaming read (streamResources), fast read(type, id) / tryRead.
export type { BundleOptions } from './fhir/bundle-processor.ts';
export type { CapabilityOptions } from './fhir/capability-statement.ts';
export { capabilityStatement } from './fhir/capability-statement.ts';
export type { DeviceReadingRow } from './fhir/device-observations.ts';
export { deviceObservation, deviceObservationId, parseDeviceObservationId } from './fhir/device-observations.ts';
export type {
  BulkExportJobsOptions,
  BulkExportKickoff,
  BulkExportLevel,
  BulkExportManifest,
  BulkExportStatus,
} from './fhir/export/bulk-export-jobs.ts';
export { BulkExportJobs, bulkExportManifest } from './fhir/export/bulk-export-jobs.ts';
export type { BulkExportParams } from './fhir/export/bulk-export-request.ts';
export { parseBulkExportParams } from './fhir/export/bulk-export-request.ts';
export type { ExportSelection } from './fhir/export/export-selection.ts';
export type { NdjsonExportOptions, NdjsonOutput } from './fhir/export/ndjson-export.ts';
export { writeNdjsonExport } from './fhir/export/ndjson-export.ts';
export type { RemoteBulkExportOptions, RemoteBulkExportResult } from './fhir/export/remote-bulk-export.ts';
export { remoteBulkExport } from './fhir/export/remote-bulk-export.ts';
export type { FhirDefinitions } from './fhir/fhir-definitions.ts';
export { loadFhirDefinitions } from './fhir/fhir-definitions.ts';
export type { FhirHttpClientOptions } from './fhir/fhir-http-client.ts';
export { FhirHttpClient, FhirHttpError, fhirBase } from './fhir/fhir-http-client.ts';
export type { FhirRepositoryOptions, ImportOptions, ImportReport, SearchCallOptions } from './fhir/fhir-repository.ts';
export { FhirRepository } from './fhir/fhir-repository.ts';
export type { FhirStoreContext } from './fhir/fhir-store-context.ts';
export type { HistoryRequest } from './fhir/history-request.ts';
export { parseHistoryRequest } from './fhir/history-request.ts';
export type { ImportItem, ImportUnit } from './fhir/import/import-item.ts';
export type { RunImportOptions } from './fhir/import/import-pipeline.ts';
export { runImport } from './fhir/import/import-pipeline.ts';
export type { ImportProblem } from './fhir/import/import-problem.ts';
export { formatProblem } from './fhir/import/import-problem.ts';
export type { UnresolvedPolicy } from './fhir/import/import-references.ts';
export type { ImportFormat, ImportSource } from './fhir/import/import-sources.ts';
export { findImportSources } from './fhir/import/import-sources.ts';
export type { ImportProgress, ImportSummary } from './fhir/import/import-summary.ts';
export type { ImportTarget } from './fhir/import/import-target.ts';
export { importTagSystem, isPlaceholder, placeholderTag } from './fhir/import/placeholder-resource.ts';
export type { ServerImportTargetOptions } from './fhir/import/server-import-target.ts';
export { ServerImportTarget } from './fhir/import/server-import-target.ts';
export type { StoreImportTargetOptions } from './fhir/import/store-import-target.ts';
export { StoreImportTarget } from './fhir/import/store-import-target.ts';
export type { JsonPatchOperation } from './fhir/json-patch.ts';
export { applyJsonPatch } from './fhir/json-patch.ts';
export { observationLastN } from './fhir/operations/observation-lastn.ts';
export { patientEverything } from './fhir/operations/patient-everything.ts';
export type { StoredVersions, ValidateRequest, ValidationMode } from './fhir/operations/resource-validate.ts';
export { parseValidateRequest, validateResourceOperation } from './fhir/operations/resource-validate.ts';
export type { CgmSubmission } from './fhir/operations/submit-cgm-bundle.ts';
export { submitCgmBundle } from './fhir/operations/submit-cgm-bundle.ts';
export type { HistoryEntry, HistoryQuery } from './fhir/resource-reads.ts';
export { validateFhirResource } from './fhir/resource-validation.ts';
export type { WriteOp, WriteResult } from './fhir/resource-writer.ts';
export type { WriteOutcome } from './fhir/resource-writes.ts';
export type { BundleUrls } from './fhir/search-bundle.ts';
export { searchsetBundle, searchsetBundleText, warningOutcome } from './fhir/search-bundle.ts';
export type { SearchResult } from './fhir/search-executor.ts';
export { fhirResourceTypes, isFhirResourceType } from './fhir/search-parameter-registry.ts';
export { storageError } from './fhir/storage-errors.ts';
export { StoredJson } from './fhir/stored-json.ts';
export { defaultPoolSize, ValidationPool } from './fhir/validation-pool.ts';
export { decodeCompact } from './ingest/compact-payload.ts';
export type { DeadLetterReason } from './ingest/dead-letter-reason.ts';
export { deadLetterReasons, isDeadLetterReason } from './ingest/dead-letter-reason.ts';
export type { DeadLetter, DeadLetterInput, DeadLetterQuery, IngestTransport } from './ingest/dead-letter-store.ts';
export { DeadLetterStore } from './ingest/dead-letter-store.ts';
export type { DecodedSample, DecodeOutcome, PayloadFormat, SampleRejection } from './ingest/decoded-sample.ts';
export type { DeviceBinding } from './ingest/device-binding.ts';
export { DeviceBindingCache } from './ingest/device-binding.ts';
export type { DeviceBindingSpec } from './ingest/device-registration.ts';
export { registerDeviceBindings, simulatedDevice, simulatedPatient } from './ingest/device-registration.ts';
export type { IngestBrokerHooks } from './ingest/embedded-ingest-broker.ts';
export { createIngestBroker, ingestAuthorizePublish } from './ingest/embedded-ingest-broker.ts';
export { decodeFhirObservations } from './ingest/fhir-observation-payload.ts';
export type { HttpIngestResponse, HttpItemResult, HttpItemStatus } from './ingest/http-ingest.ts';
export { ingestHttpItems, ndjsonLines } from './ingest/http-ingest.ts';
export { IngestMetrics } from './ingest/ingest-metrics.ts';
export type {
  DeadLetteredSample,
  IngestMessage,
  IngestPipelineOptions,
  MessageResult,
  ReadingsStoredListener,
  StoredReadingsBatch,
} from './ingest/ingest-pipeline.ts';
export { IngestPipeline } from './ingest/ingest-pipeline.ts';
export type { MqttIngestConsumerOptions } from './ingest/mqtt-ingest-consumer.ts';
export { MqttIngestConsumer, redactUrl } from './ingest/mqtt-ingest-consumer.ts';
export { decodeOmh } from './ingest/omh-payload.ts';
export type { CatalogueVerdict, ReadingCatalogue } from './ingest/reading-catalogue.ts';
export { coreReadingCatalogue } from './ingest/reading-catalogue.ts';
export type { SimulatedWardOptions } from './ingest/simulated-vitals.ts';
export {
  SimulatedWard,
  simulatedVitalCodes,
  VITAL_DBP,
  VITAL_HR,
  VITAL_RR,
  VITAL_SBP,
  VITAL_SPO2,
  VITAL_TEMP,
  vitalCount,
} from './ingest/simulated-vitals.ts';
export type { ParsedTopic } from './ingest/topic-scheme.ts';
export { defaultTopicRoot, ingestSubscription, ingestTopic, parseIngestTopic } from './ingest/topic-scheme.ts';
export {
  alertCommunication,
  alertIdSystem,
  alertKindSystem,
  alertSeverityExtension,
  alertStatusExtension,
  alertTransitionExtension,
} from './monitoring/alert-communication.ts';
export type { AlertChangeListener } from './monitoring/alert-dispatcher.ts';
export { AlertDispatcher } from './monitoring/alert-dispatcher.ts';
export type { AlertChange, AlertRecord, AlertView } from './monitoring/alert-record.ts';
export { alertKinds, alertStatuses, alertView, isAlertKind, isAlertStatus, notifies } from './monitoring/alert-record.ts';
export type { AlertQuery, AlertStoreOptions } from './monitoring/alert-store.ts';
export { AlertStore } from './monitoring/alert-store.ts';
export type { BatchWritingRepository, FhirResourceSink, IdentifiedResource } from './monitoring/fhir-resource-sink.ts';
export { directSink, repositorySink } from './monitoring/fhir-resource-sink.ts';
export type { MonitorSweeperOptions, SweepReport, SweepTimer } from './monitoring/monitor-sweeper.ts';
export { MonitorSweeper } from './monitoring/monitor-sweeper.ts';
export { withMonitoringCodes } from './monitoring/monitoring-catalogue.ts';
export type { ContextCodeSpec } from './monitoring/monitoring-codes.ts';
export { acvpuValue, contextCodeSpecs, monitoringCodes } from './monitoring/monitoring-codes.ts';
export type { MonitoringConfig, MonitoringRuntime, MonitoringRuntimeOptions } from './monitoring/monitoring-runtime.ts';
export { createMonitoring, defaultMonitoringConfig } from './monitoring/monitoring-runtime.ts';
export type { PatientMonitorOptions, PendingPatient } from './monitoring/patient-monitor.ts';
export { PatientMonitor } from './monitoring/patient-monitor.ts';
export type { DeliveryOutcome, RestHookDeliveryOptions, RestHookTarget } from './monitoring/rest-hook-delivery.ts';
export { backoffDelayMs, RestHookDelivery } from './monitoring/rest-hook-delivery.ts';
export type { ScoreSet, StoredScores } from './monitoring/score-recorder.ts';
export { ScoreRecorder } from './monitoring/score-recorder.ts';
export { spo2Scale2FlagCode, vitaltwinMonitoringSystem } from './monitoring/spo2-scale-flags.ts';
export { staleAfterPropertyCode } from './monitoring/stale-data-sweep.ts';
export type { CriteriaParse } from './monitoring/subscription-criteria.ts';
export { parseCriteria } from './monitoring/subscription-criteria.ts';
export type { ValidityWindows } from './monitoring/vital-snapshot.ts';
export { defaultValidityWindows } from './monitoring/vital-snapshot.ts';
export type { WardPatient, WardSummaryRequest, WardVital } from './monitoring/ward-summary.ts';
export { patientDisplayName, wardSummary } from './monitoring/ward-summary.ts';
export type { IssuedToken, TokenCheck, TokenClaims } from './security/access-tokens.ts';
export { AccessTokens, parseDurationSec, tokenAudience, tokenIssuer } from './security/access-tokens.ts';
export type { ChainBreak, ChainReport } from './security/audit-chain.ts';
export { verifyAuditChain } from './security/audit-chain.ts';
export type { AuditLogOptions } from './security/audit-log.ts';
export { AuditLog } from './security/audit-log.ts';
export type { AuditRowColumns, StoredAuditRow } from './security/audit-row.ts';
export { genesisHash, rowHash, storedRowEvent, storedRowHash } from './security/audit-row.ts';
export type { AuditHit, AuditQuery } from './security/audit-search.ts';
export { searchAudit } from './security/audit-search.ts';
export type { NewClient, OAuthClient } from './security/client-store.ts';
export { ClientStore } from './security/client-store.ts';
export type { KeyMaterial, KeyMaterialSources } from './security/key-material.ts';
export { loadKeyMaterial } from './security/key-material.ts';
export { nodeHmacSha256 } from './security/node-keyed-hash.ts';
export type { RefreshOutcome } from './security/refresh-tokens.ts';
export { RefreshTokens } from './security/refresh-tokens.ts';
export type { SecurityServices } from './security/security-services.ts';
export { bootstrapAdmin, createSecurityServices } from './security/security-services.ts';
export type { StoreExportOptions, StoreExportSummary } from './security/store-export.ts';
export { exportStore } from './security/store-export.ts';
export type { NewUser, User } from './security/user-store.ts';
export { UserStore } from './security/user-store.ts';
export type { UvaPadovaData } from './sim-data/uva-padova-data.ts';
export { loadUvaPadovaData, simInputToVitaltwinError } from './sim-data/uva-padova-data.ts';
export type { Migration, MigrationReport } from './store/migrations.ts';
export { loadMigrations, migrate } from './store/migrations.ts';
export type { DatabaseTarget } from './store/open-database.ts';
export { describeTarget, openDatabase } from './store/open-database.ts';
export type { ReadingSeries, ReadingSeriesRequest } from './store/reading-series.ts';
export { readingSeries } from './store/reading-series.ts';
export type { DatabaseEngine, SqlClient, SqlQueryable } from './store/sql-client.ts';
export type { DeviceReading, StoredReading } from './store/time-series-store.ts';
export { TimeSeriesStore } from './store/time-series-store.ts';
export type { ShardQueueOptions, ShardQueueWorkerOptions } from './trials/shard-queue.ts';
export { defaultShardQueueName, startShardQueueWorker } from './trials/shard-queue.ts';
export type { CheckedTrial } from './trials/trial-check.ts';
export { checkTrialProtocol } from './trials/trial-check.ts';
export { endpointIds, endpointInfo } from './trials/trial-endpoints.ts';
export type { TrialJobEvent, TrialJobState, TrialJobStatus } from './trials/trial-jobs.ts';
export { TrialJobManager } from './trials/trial-jobs.ts';
export { parseTrialProtocol, protocolHash } from './trials/trial-protocol.ts';
export type { TrialProtocol, TrialProtocolInput } from './trials/trial-protocol-schema.ts';
export type { TrialProgress, TrialRunOptions, TrialRunResult } from './trials/trial-runner.ts';
export { runTrial, TrialAbortedError } from './trials/trial-runner.ts';
export type { ComparisonSummary, TrialSummary } from './trials/trial-summary.ts';
export { carbIntakeLoinc, treatmentsFromFhir } from './twin/fhir-treatments.ts';
export type {
  ForecastRequest,
  GlucoseForecastResult,
  GlucoseTwinServiceOptions,
  SimulateRequest,
  SimulateResult,
  TwinOrigin,
  TwinProvenance,
} from './twin/glucose-twin.ts';
export { defaultNominalPatient, GlucoseTwinService } from './twin/glucose-twin.ts';
export { cgmReadingCodes, TwinInputs } from './twin/twin-inputs.ts';
