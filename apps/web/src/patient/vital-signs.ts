import type { BandedVital } from '../charts/news2-bands.ts';

/**
 * The bedside vital signs the patient view charts, by LOINC code (FHIR R4 Vital Signs profile, as
 * device ingest stores them), with the NEWS2 parameter whose bands shade the chart and a sensible
 * fixed y-range so a glance compares like with like across patients.
 */
export interface VitalChartSpec {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly codes: readonly string[];
  readonly seriesLabels: readonly string[];
  readonly band: BandedVital | null;
  readonly range: readonly [number, number];
  readonly decimals: number;
}

export const vitalCharts: readonly VitalChartSpec[] = [
  {
    key: 'hr',
    label: 'Heart rate',
    unit: '/min',
    codes: ['8867-4'],
    seriesLabels: ['Heart rate'],
    band: 'heartRate',
    range: [30, 180],
    decimals: 0,
  },
  {
    key: 'rr',
    label: 'Respiratory rate',
    unit: '/min',
    codes: ['9279-1'],
    seriesLabels: ['Respiratory rate'],
    band: 'respiratoryRate',
    range: [4, 40],
    decimals: 0,
  },
  { key: 'spo2', label: 'SpO₂', unit: '%', codes: ['2708-6'], seriesLabels: ['SpO₂'], band: 'spo2', range: [80, 100], decimals: 0 },
  {
    key: 'bp',
    label: 'Blood pressure',
    unit: 'mmHg',
    codes: ['8480-6', '8462-4'],
    seriesLabels: ['Systolic', 'Diastolic'],
    band: 'systolicBp',
    range: [40, 200],
    decimals: 0,
  },
  {
    key: 'temp',
    label: 'Temperature',
    unit: '°C',
    codes: ['8310-5'],
    seriesLabels: ['Temperature'],
    band: 'temperature',
    range: [34, 41],
    decimals: 1,
  },
];

export const wardVitalCodes = {
  heartRate: '8867-4',
  respiratoryRate: '9279-1',
  spo2: '2708-6',
  systolicBp: '8480-6',
  diastolicBp: '8462-4',
  temperature: '8310-5',
  cgm: '99504-3',
} as const;
