export type { AlertDetailValue, AlertIntent, AlertKind, RuleOutcome } from './alerts/alert-intent.ts';
export { alertDedupKey } from './alerts/alert-intent.ts';
export type { AlertEvent, AlertReduction, AlertState, AlertStatus, AlertTransition } from './alerts/alert-lifecycle.ts';
export { eventForOutcome, reduceAlert } from './alerts/alert-lifecycle.ts';
export type { AlertSeverity } from './alerts/alert-severity.ts';
export { alertSeverities, compareSeverity, maxSeverity, severityRank } from './alerts/alert-severity.ts';
export type { DoseSchedule, DoseWindow, FhirDayOfWeek, FhirPeriodUnit, FhirTiming, FhirTimingRepeat } from './alerts/dose-schedule.ts';
export { expandTiming, fhirDateTimeMs } from './alerts/dose-schedule.ts';
export type { CodingRef, DeviceEvent, FallAlertOptions } from './alerts/fall-alert.ts';
export { defaultFallCodes, evaluateFallEvent, vitaltwinDeviceEventSystem } from './alerts/fall-alert.ts';
export type { GlucoseAlarmConfig, GlucoseAlarmInput, GlucoseForecastFn } from './alerts/glucose-alarms.ts';
export { defaultGlucoseAlarmConfig, evaluateGlucoseAlarms, glucoseAlarmConfig } from './alerts/glucose-alarms.ts';
export type { GlucoseRate, GlucoseRateOptions, GlucoseSample } from './alerts/glucose-trend.ts';
export { glucoseRateOfChange } from './alerts/glucose-trend.ts';
export type {
  DoseCheck,
  DoseCheckOptions,
  MedicationAdherenceInput,
  MedicationRequestLike,
  OverdueDose,
} from './alerts/medication-adherence.ts';
export { evaluateMedicationAdherence, findOverdueDoses } from './alerts/medication-adherence.ts';
export type { News2AlertInput } from './alerts/news2-alert.ts';
export { evaluateNews2Alert, news2Responses } from './alerts/news2-alert.ts';
export type { StaleDataInput } from './alerts/stale-data.ts';
export { evaluateStaleData } from './alerts/stale-data.ts';
export type { LocalDateTime } from './alerts/zoned-time.ts';
export { fromZoned, toZoned } from './alerts/zoned-time.ts';
export type { AgpOptions, AgpProfile } from './cgm/agp-percentiles.ts';
export { agpPercentiles, computeAgp, quantileSorted } from './cgm/agp-percentiles.ts';
export type { AgpReportOptions, AgpReportSubject } from './cgm/agp-report.ts';
export { renderAgpReportHtml } from './cgm/agp-report.ts';
export { agpColors, renderAgpSvg } from './cgm/agp-svg.ts';
export type { CgmCsvFormat, CgmCsvImportOptions, CgmCsvImportResult } from './cgm/cgm-csv-import.ts';
export { detectCgmCsvFormat, importCgmCsv } from './cgm/cgm-csv-import.ts';
export type { CgmBundleImportResult } from './cgm/cgm-fhir-bundle.ts';
export { cgmReadingLoinc, readingsFromCgmBundle } from './cgm/cgm-fhir-bundle.ts';
export type { CgmMetrics, CgmMetricsOptions } from './cgm/cgm-metrics.ts';
export { cgmMetricsBySubject, computeCgmMetrics, dataSufficiency } from './cgm/cgm-metrics.ts';
export type { CgmEvent, CgmImportResult, CgmReading, CgmReadingFlag, CgmRowError, GlucoseUnit } from './cgm/cgm-reading.ts';
export { cgmHighSentinelMgDl, cgmLowSentinelMgDl, groupReadingsBySubject, mgDlPerMmolL } from './cgm/cgm-reading.ts';
export { parseCgmTimestamp } from './cgm/cgm-timestamp.ts';
export type { ClarityParseOptions } from './cgm/clarity-csv.ts';
export { parseClarityCsv } from './cgm/clarity-csv.ts';
export type { GenericCgmParseOptions } from './cgm/generic-cgm-csv.ts';
export { parseGenericCgmCsv } from './cgm/generic-cgm-csv.ts';
export type { GlucoseBand, TimeInRanges } from './cgm/glucose-ranges.ts';
export { glucoseBand, glucoseThresholdsMgDl, timeInRanges } from './cgm/glucose-ranges.ts';
export type { BgRiskIndices } from './cgm/glucose-risk.ts';
export { bgRiskIndices, kovatchevF, kovatchevRisk } from './cgm/glucose-risk.ts';
export type { GlucoseValueMetrics } from './cgm/glucose-value-metrics.ts';
export { glucoseValueMetrics } from './cgm/glucose-value-metrics.ts';
export type { GlycemiaRiskIndex, GriInput } from './cgm/glycemia-risk-index.ts';
export { glycemiaRiskIndex } from './cgm/glycemia-risk-index.ts';
export { formatCsvField, formatCsvRecord } from './csv/csv-format.ts';
export type { CsvParseOptions, CsvParseResult, CsvRecord, CsvSyntaxError } from './csv/csv-parse.ts';
export { parseCsv } from './csv/csv-parse.ts';
export type { CsvStreamRecord, CsvStreamResult } from './csv/csv-stream-parser.ts';
export { CsvStreamParser } from './csv/csv-stream-parser.ts';
export type { ErrorCode, ProblemDetail } from './errors/error-codes.ts';
export { errorCodes, isVitaltwinError, VitaltwinError } from './errors/error-codes.ts';
export type { OperationOutcome, OperationOutcomeIssue } from './errors/operation-outcome.ts';
export { errorCodeSystem, toOperationOutcome } from './errors/operation-outcome.ts';
export { fhirIdPattern, isFhirId } from './fhir/fhir-id.ts';
export type { PlausibilityCheck, PlausibleRange } from './fhir/plausibility-ranges.ts';
export { checkPlausibility, plausibleRanges } from './fhir/plausibility-ranges.ts';
export type { ScoreConcept } from './fhir/score-codes.ts';
export { mewsConcepts, news2Concepts, qsofaConcepts, scoreCodeableConcept, vitaltwinScoreSystem } from './fhir/score-codes.ts';
export type { ScoreObservation, ScoreObservationComponent, ScoreObservationContext } from './fhir/score-observation.ts';
export { mewsObservation, news2Observation, qsofaObservation } from './fhir/score-observation.ts';
export type { VitalSignCode, VitalSignKey } from './fhir/vital-sign-codes.ts';
export {
  bloodPressureComponents,
  loincSystem,
  observationCategorySystem,
  snomedSystem,
  surveyCategory,
  ucumSystem,
  vitalSignCodes,
  vitalSignKeyForLoinc,
  vitalSignsCategory,
} from './fhir/vital-sign-codes.ts';
export type { Clock } from './ports/clock.ts';
export type { Logger } from './ports/logger.ts';
export type { Acvpu } from './scores/acvpu.ts';
export { acvpuLevels, isAcvpu, parseAcvpu } from './scores/acvpu.ts';
export type { BandTable, ScoreBand } from './scores/band-table.ts';
export { bandTableProblems, scoreFromBands } from './scores/band-table.ts';
export type { MewsBandTable, MewsInput, MewsParameter, MewsResult } from './scores/mews.ts';
export { mewsParameters, scoreMews, subbeMewsBands, validateMewsBandTable } from './scores/mews.ts';
export type { News2ClinicalRisk, News2Input, News2Parameter, News2Result, Spo2Scale } from './scores/news2.ts';
export {
  news2AirOrOxygenScore,
  news2ClinicalRisk,
  news2ClinicalRisks,
  news2ConsciousnessScore,
  news2HeartRateScore,
  news2Parameters,
  news2RespiratoryRateScore,
  news2Spo2Scale1Score,
  news2Spo2Scale2Score,
  news2SystolicBpScore,
  news2TemperatureScore,
  scoreNews2,
} from './scores/news2.ts';
export type { QsofaInput, QsofaParameter, QsofaResult } from './scores/qsofa.ts';
export { qsofaGcsScore, qsofaParameters, qsofaRespiratoryRateScore, qsofaSystolicBpScore, scoreQsofa } from './scores/qsofa.ts';
export type { ScoreRowProblem, ScoreRowResult, ScoreTable, ScoreTableName } from './scores/score-table.ts';
export { createScoreTable, scoreTableNames } from './scores/score-table.ts';
export type { AuditAction, AuditOutcome, AuditRecord } from './security/audit-event.ts';
export { auditActionCode, auditOutcomeCode, toAuditEvent } from './security/audit-event.ts';
export type { AccessDecision, AccessRequest, PatientTarget, Subject } from './security/authorize.ts';
export { authorize, usesIdentifyingParams } from './security/authorize.ts';
export type { JsonValue } from './security/canonical-json.ts';
export { canonicalJson } from './security/canonical-json.ts';
export type { DeidentificationReport, DeidentifiedKind } from './security/deidentify/deidentification-report.ts';
export { addReport, deidentifiedKinds, emptyReport } from './security/deidentify/deidentification-report.ts';
export { deidentifyBundle } from './security/deidentify/deidentify-bundle.ts';
export { pseudonymiseReference } from './security/deidentify/deidentify-elements.ts';
export type { DeidentifyOptions } from './security/deidentify/deidentify-resource.ts';
export { ageGroupExtensionUrl, deidentifyResource, pseudonymizedLabel } from './security/deidentify/deidentify-resource.ts';
export { fhirDateYear, shiftFhirDate } from './security/deidentify/fhir-date-shift.ts';
export type { Pseudonymizer, PseudonymizerOptions } from './security/deidentify/pseudonymizer.ts';
export { createPseudonymizer } from './security/deidentify/pseudonymizer.ts';
export { restrictedZip3, safeHarborZip3 } from './security/deidentify/safe-harbor-zip.ts';
export type { FhirRequestInfo, SearchPatientScope } from './security/fhir-request.ts';
export { classifyFhirRequest, patientFromSearchValue, patientSearchParams, searchPatientScope } from './security/fhir-request.ts';
export type { CompartmentEntry } from './security/patient-compartment.ts';
export {
  compartmentReferences,
  inPatientCompartment,
  isCompartmentType,
  patientCompartment,
  patientIdFromReference,
  patientsOf,
} from './security/patient-compartment.ts';
export type { Role, RoleDefinition } from './security/roles.ts';
export {
  effectiveScopes,
  isRole,
  roleDefinitions,
  roles,
  scopeCovers,
  scopePermits,
  vitaltwinResourceTypes,
  wildcardCovers,
} from './security/roles.ts';
export type { Interaction, OtherScope, ResourceScope, Scope, ScopeContext } from './security/scope.ts';
export { filterHolds, formatScope, interactionBit, parseScope, parseScopes } from './security/scope.ts';
export type { KeyedHash } from './security/sha256.ts';
export { hmacSha256, hmacSha256Keyed, sha256, toHex, utf8Bytes } from './security/sha256.ts';
export { omhUnitNames, omhUnitToUcum } from './units/omh-units.ts';
export type { UnitKind } from './units/ucum-convert.ts';
export {
  canConvert,
  celsiusToFahrenheit,
  convertUcum,
  fahrenheitToCelsius,
  glucoseMgDlPerMmolL,
  glucoseMgDlToMmolL,
  glucoseMmolLToMgDl,
  glucoseMolarMassGPerMol,
  kPaToMmHg,
  mmHgToKPa,
  pascalPerMmHg,
  poundsToKg,
  unitKind,
} from './units/ucum-convert.ts';
