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
  type UvaPadovaParams,
  type UvaPadovaTherapy,
} from '@vitaltwin/sim';

/**
 * Reads the UVA/Padova run-time data shipped in `packages/sim/data/uva-padova/` (simglucose's
 * parameter CSVs, MIT, see LICENSE-simglucose.txt there) and parses it with the pure parsers of
 * `@vitaltwin/sim`. File access lives here, at the CLI edge.
 */
export interface UvaPadovaData {
  readonly patients: readonly UvaPadovaParams[];
  readonly therapies: readonly UvaPadovaTherapy[];
  readonly sensors: readonly CgmSensorParams[];
  readonly pumps: readonly InsulinPumpParams[];
  /** sha256 of vpatient_params.csv, recorded in provenance. */
  readonly patientsSha256: string;
  readonly directory: string;
}

export function uvaPadovaDataDirectory(): string {
  return fileURLToPath(new URL('../data/uva-padova/', import.meta.resolve('@vitaltwin/sim')));
}

function read(directory: string, file: string): string {
  try {
    return readFileSync(`${directory}${file}`, 'utf8');
  } catch (error) {
    throw new VitaltwinError('VT_ERR_CONFIG', `cannot read ${directory}${file}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
}

let cached: UvaPadovaData | undefined;

export function loadUvaPadovaData(): UvaPadovaData {
  if (cached) return cached;
  const directory = uvaPadovaDataDirectory();
  const patientsText = read(directory, 'vpatient_params.csv');
  try {
    cached = {
      patients: parseUvaPadovaParamsCsv(patientsText),
      therapies: parseQuestCsv(read(directory, 'Quest.csv')),
      sensors: parseCgmSensorParamsCsv(read(directory, 'sensor_params.csv')),
      pumps: parseInsulinPumpParamsCsv(read(directory, 'pump_params.csv')),
      patientsSha256: createHash('sha256').update(patientsText).digest('hex'),
      directory,
    };
  } catch (error) {
    throw toVitaltwinError(error, 'VT_ERR_CONFIG', 'shipped UVA/Padova data is invalid');
  }
  return cached;
}

/** Maps a `SimInputError` (pure sim layer) to a `VitaltwinError` whose problems carry the JSON path. */
export function toVitaltwinError(error: unknown, code: 'VT_ERR_INVALID_INPUT' | 'VT_ERR_CONFIG', message: string): unknown {
  if (!(error instanceof SimInputError)) return error;
  return new VitaltwinError(
    code,
    `${message}: ${error.problems.length} problem(s)`,
    error.problems.map((p) => (p.path ? { message: p.message, expression: p.path } : { message: p.message })),
  );
}
