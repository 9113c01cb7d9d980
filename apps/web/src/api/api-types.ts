/**
 * The shapes the web app reads from the server, as the routes document them (apps/server/src/routes):
 * only the fields the app uses. They mirror platform types (AlertView, WardPatient, ...) without
 * importing the platform package, which holds Node-only code. The what-if bands and risks are the
 * pure sim package's own types (a type-only import, erased from the bundle).
 */
import type { WhatIfBands, WhatIfRisk } from '@vitaltwin/sim';
export type News2ClinicalRisk = 'low' | 'low-medium' | 'medium' | 'high';
export type AlertSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface WardVital {
  readonly value: number;
  readonly time: string;
  readonly deviceId: string;
}

export interface WardNews2 {
  readonly total: number | null;
  readonly partialTotal: number;
  readonly complete: boolean;
  readonly redFlag: boolean;
  readonly clinicalRisk: News2ClinicalRisk | null;
  readonly minimumClinicalRisk?: News2ClinicalRisk;
  readonly spo2Scale?: 1 | 2;
  readonly assumedAir?: boolean;
  readonly assumedAlert?: boolean;
  readonly time: string;
}

export interface WardPatient {
  readonly id: string;
  readonly name: string;
  readonly gender: string | null;
  readonly birthDate: string | null;
  readonly vitals: Readonly<Record<string, WardVital>>;
  readonly news2: WardNews2 | null;
  readonly glucose: readonly { readonly time: string; readonly mgDl: number }[];
  readonly alerts: { readonly open: number; readonly acknowledged: number; readonly highestSeverity: AlertSeverity | null };
}

export interface WardResponse {
  readonly generatedAt: string;
  readonly patients: WardPatient[];
}

export interface AlertView {
  readonly id: string;
  readonly patientId: string;
  readonly kind: string;
  readonly status: AlertStatus;
  readonly severity: AlertSeverity;
  readonly peakSeverity: AlertSeverity;
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly deviceId: string | null;
  readonly openedAt: string;
  readonly lastFiredAt: string;
  readonly updatedAt: string;
  readonly occurrences: number;
  readonly escalations: number;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgeNote: string | null;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolveNote: string | null;
  readonly resolution: string | null;
}

export interface AlertList {
  readonly alerts: AlertView[];
  readonly next?: string;
}

/** One `/events` frame's JSON (event-routes.ts: `{type, patientId?, timeMs, data}`), with the SSE id. */
export interface TwinEvent {
  readonly id: number;
  readonly type: 'reading' | 'score' | 'alert' | 'trial-progress' | 'ingest';
  readonly patientId?: string;
  readonly timeMs: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ReadingSeries {
  readonly code: string;
  readonly unit: string;
  readonly timesMs: number[];
  readonly values: number[];
  readonly bucketReadings: number;
  /** The newest reading as measured (series points may be averages). */
  readonly latest?: { readonly timeMs: number; readonly value: number };
}

export interface SeriesResponse {
  readonly patientId: string;
  readonly from: string;
  readonly to: string;
  readonly series: ReadingSeries[];
}

export interface ForecastPoint {
  readonly horizonMin: number;
  readonly time: string;
  readonly meanMgDl: number;
  readonly medianMgDl: number;
  readonly interval80MgDl: readonly [number, number];
  readonly interval95MgDl: readonly [number, number];
}

export interface TwinOrigin {
  readonly time: string;
  readonly lastReadingMgDl: number;
  readonly readingsUsed: number;
  readonly dataFrom: string;
}

export interface GlucoseForecast {
  readonly patientId: string;
  readonly origin: TwinOrigin;
  readonly forecast: ForecastPoint[];
  readonly estimate: Readonly<Record<string, unknown>>;
  readonly provenance: Readonly<Record<string, unknown>>;
}

export interface WhatIfOptionJson {
  readonly label: string;
  readonly boluses?: readonly { readonly inMin: number; readonly units: number }[];
  readonly meals?: readonly { readonly inMin: number; readonly carbsG: number }[];
  readonly basal?: readonly { readonly fromMin: number; readonly toMin: number; readonly basalUPerH: number }[];
}

export interface WhatIfOutcome {
  readonly label: string;
  readonly bands: WhatIfBands;
  readonly risk: WhatIfRisk;
}

export interface SimulateResult {
  readonly patientId: string;
  readonly origin: TwinOrigin;
  readonly horizonMin: number;
  readonly outcomes: WhatIfOutcome[];
  readonly provenance: Readonly<Record<string, unknown>>;
}

export interface TrialProgress {
  readonly phase: 'running' | 'aggregating' | 'done';
  readonly patientsDone: number;
  readonly patientsTotal: number;
  readonly patientDaysDone: number;
  readonly patientDaysTotal: number;
  readonly elapsedMs: number;
  readonly etaMs: number | null;
}

export type TrialState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrialStatus {
  readonly id: string;
  readonly name: string;
  readonly state: TrialState;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly progress: TrialProgress | null;
  readonly error: { readonly message: string; readonly problems: readonly { message: string; expression?: string }[] } | null;
}

export interface EndpointSummary {
  readonly mean: number;
  readonly sd: number;
  readonly median: number;
  readonly ci95: readonly [number, number];
}

export interface TrialSummary {
  readonly protocol: { readonly name: string; readonly design: string; readonly days: number; readonly seed: number };
  readonly endpoints: Readonly<Record<string, { label: string; unit: string; definition: string }>>;
  readonly patients: number;
  readonly patientDays: number;
  readonly arms: readonly { readonly name: string; readonly n: number; readonly endpoints: Readonly<Record<string, EndpointSummary>> }[];
  readonly comparisons: readonly {
    readonly arms: readonly [string, string];
    readonly endpoint: string;
    readonly paired: boolean;
    readonly meanDiff: number;
    readonly ci95: readonly [number, number];
    readonly ciMethod: string;
    readonly pValue: number;
    readonly test: string;
    readonly significant: boolean;
  }[];
}

export interface DeadLetter {
  readonly id: number;
  readonly receivedAt: string;
  readonly transport: string;
  readonly topic: string | null;
  readonly deviceId: string | null;
  readonly reason: string;
  readonly detail: string | null;
  readonly sample: number | null;
  readonly payload: string;
}

/** Minimal FHIR shapes the record view reads. */
export interface FhirResource {
  readonly resourceType: string;
  readonly id?: string;
  readonly [key: string]: unknown;
}

export interface FhirBundle {
  readonly resourceType: 'Bundle';
  readonly total?: number;
  readonly entry?: readonly { readonly resource?: FhirResource }[];
  readonly link?: readonly { readonly relation: string; readonly url: string }[];
}
