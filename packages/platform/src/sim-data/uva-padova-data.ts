import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VitaltwinError } from '@vitaltwin/core';
import {
  type CgmSensorParams,
  type InsulinPumpParams,
  parseCgmSensorParamsCsv,
  parseInsulinPumpParamsCsv,
  parseQuestCsv,
  parseUvaPadovaParamsCsv,
  SimInputError,
  type SourcePatient,
} from '@vitaltwin/sim';

/**
 * The UVA/Padova run-time data shipped in `packages/sim/data/uva-padova/` (simglucose 0.2.11's
 * parameter CSVs, MIT, see LICENSE-simglucose.txt there): the 30 patients with their Quest.csv
 * therapy, the CGM sensors and the pumps, parsed by the pure parsers of `@vitaltwin/sim`. The file
 * access lives here, at the edge; the SHA-256 of each file goes into run provenance.
 */
export interface UvaPadovaData {
  readonly patients: readonly SourcePatient[];
  readonly sensors: readonly CgmSensorParams[];
  readonly pumps: readonly InsulinPumpParams[];
  /** File name → SHA-256 (hex) of the data files used. */
  readonly sha256: Readonly<Record<string, string>>;
  /** The directory read (a file path ending in a separator). */
  readonly directory: string;
}

export const defaultUvaPadovaDataDir = new URL('../../../sim/data/uva-padova/', import.meta.url);

const files = ['vpatient_params.csv', 'Quest.csv', 'sensor_params.csv', 'pump_params.csv'] as const;

let cached: UvaPadovaData | undefined;

/** Reads and parses the data (cached for the default directory); VT_ERR_CONFIG if it is missing or invalid. */
export function loadUvaPadovaData(dir: URL = defaultUvaPadovaDataDir): UvaPadovaData {
  const isDefault = dir.href === defaultUvaPadovaDataDir.href;
  if (cached && isDefault) return cached;
  const directory = fileURLToPath(dir);
  const text: Record<string, string> = {};
  const sha256: Record<string, string> = {};
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(new URL(f, dir));
    } catch (error) {
      throw new VitaltwinError('VT_ERR_CONFIG', `cannot read ${directory}${f}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
    }
    text[f] = bytes.toString('utf8');
    sha256[f] = createHash('sha256').update(bytes).digest('hex');
  }
  let data: UvaPadovaData;
  try {
    const quest = new Map(parseQuestCsv(text['Quest.csv']!).map((q) => [q.name, q]));
    const patients = parseUvaPadovaParamsCsv(text['vpatient_params.csv']!).map((params) => {
      const therapy = quest.get(params.name);
      if (!therapy) throw new VitaltwinError('VT_ERR_CONFIG', `${directory}Quest.csv has no row for ${params.name}`);
      return { params, therapy };
    });
    data = {
      patients,
      sensors: parseCgmSensorParamsCsv(text['sensor_params.csv']!),
      pumps: parseInsulinPumpParamsCsv(text['pump_params.csv']!),
      sha256,
      directory,
    };
  } catch (error) {
    throw simInputToVitaltwinError(error, 'VT_ERR_CONFIG', `UVA/Padova data in ${directory} is invalid`);
  }
  if (isDefault) cached = data;
  return data;
}

/** Maps a `SimInputError` (pure sim layer) to a `VitaltwinError` whose problems carry the JSON path. */
export function simInputToVitaltwinError(error: unknown, code: 'VT_ERR_INVALID_INPUT' | 'VT_ERR_CONFIG', message: string): unknown {
  if (!(error instanceof SimInputError)) return error;
  return new VitaltwinError(
    code,
    `${message}: ${error.problems.length} problem(s)`,
    error.problems.map((p) => (p.path ? { message: p.message, expression: p.path } : { message: p.message })),
  );
}
