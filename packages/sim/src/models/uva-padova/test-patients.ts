// Test support (imported only by *.test.ts): the shipped parameter tables, parsed once.
import questCsv from '../../../data/uva-padova/Quest.csv?raw';
import vpatientCsv from '../../../data/uva-padova/vpatient_params.csv?raw';
import type { UvaPadovaParams } from './params.ts';
import { parseUvaPadovaParamsCsv } from './params-csv.ts';
import { parseQuestCsv } from './quest-csv.ts';

export const testPatients: readonly UvaPadovaParams[] = parseUvaPadovaParamsCsv(vpatientCsv);
export const testTherapies = parseQuestCsv(questCsv);
export const vpatientCsvText: string = vpatientCsv;

export function testPatient(name: string): UvaPadovaParams {
  const p = testPatients.find((x) => x.name === name);
  if (!p) throw new Error(`no test patient ${name}`);
  return p;
}

export function carbRatio(name: string): number {
  const t = testTherapies.find((x) => x.name === name);
  if (!t) throw new Error(`no therapy for ${name}`);
  return t.carbRatioGPerU;
}
