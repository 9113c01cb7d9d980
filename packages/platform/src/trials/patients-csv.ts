import type { PatientResult } from './shard-runner.ts';
import type { EndpointId } from './trial-endpoints.ts';

/**
 * One row per patient and arm: index, id, group, arm, carbohydrate eaten per day and every endpoint,
 * numbers in full precision (shortest round-trip form). Written in patient-index order.
 */
export function patientsCsvHeader(endpoints: readonly EndpointId[]): string {
  return `${['patient_index', 'patient_id', 'group', 'arm', 'carbs_per_day', ...endpoints].join(',')}\n`;
}

const csvField = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const num = (v: number): string => (Number.isFinite(v) ? String(v) : '');

export function patientsCsvRows(patients: readonly PatientResult[], endpoints: readonly EndpointId[]): string {
  let out = '';
  for (const p of patients) {
    for (const a of p.arms) {
      out += `${[String(p.index), csvField(p.id), csvField(p.group), csvField(a.arm), num(a.carbsPerDay), ...endpoints.map((e) => num(a.endpoints[e]))].join(',')}\n`;
    }
  }
  return out;
}
