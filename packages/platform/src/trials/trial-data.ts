import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type CgmSensorParams,
  type InsulinPumpParams,
  parseCgmSensorParamsCsv,
  parseInsulinPumpParamsCsv,
  parseQuestCsv,
  parseUvaPadovaParamsCsv,
  type SourcePatient,
} from '@vitaltwin/sim';

/**
 * The run-time data a trial needs — simglucose's 30 patients with their Quest.csv therapy, the CGM
 * sensors and the pumps — read from `packages/sim/data/uva-padova/` and parsed by the pure parsers of
 * `@vitaltwin/sim`. The SHA-256 of each file goes into the trial provenance.
 */
export interface TrialData {
  readonly patients: readonly SourcePatient[];
  readonly sensors: readonly CgmSensorParams[];
  readonly pumps: readonly InsulinPumpParams[];
  /** File name → SHA-256 (hex) of the data files used. */
  readonly sha256: Readonly<Record<string, string>>;
}

export const defaultTrialDataDir = new URL('../../../sim/data/uva-padova/', import.meta.url);

let cached: TrialData | undefined;

export function loadTrialData(dir: URL = defaultTrialDataDir): TrialData {
  if (cached && dir.href === defaultTrialDataDir.href) return cached;
  const files = ['vpatient_params.csv', 'Quest.csv', 'sensor_params.csv', 'pump_params.csv'] as const;
  const text: Record<string, string> = {};
  const sha256: Record<string, string> = {};
  for (const f of files) {
    const bytes = readFileSync(new URL(f, dir));
    text[f] = bytes.toString('utf8');
    sha256[f] = createHash('sha256').update(bytes).digest('hex');
  }
  const params = parseUvaPadovaParamsCsv(text['vpatient_params.csv']!);
  const quest = new Map(parseQuestCsv(text['Quest.csv']!).map((q) => [q.name, q]));
  const patients = params.map((p) => {
    const therapy = quest.get(p.name);
    if (!therapy) throw new Error(`Quest.csv has no row for ${p.name}`);
    return { params: p, therapy };
  });
  const data: TrialData = {
    patients,
    sensors: parseCgmSensorParamsCsv(text['sensor_params.csv']!),
    pumps: parseInsulinPumpParamsCsv(text['pump_params.csv']!),
    sha256,
  };
  if (dir.href === defaultTrialDataDir.href) cached = data;
  return data;
}
