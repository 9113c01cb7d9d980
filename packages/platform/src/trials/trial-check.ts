import { loadUvaPadovaData, type UvaPadovaData } from '../sim-data/uva-padova-data.ts';
import { patientDaysOf, planShards } from './trial-plan.ts';
import { TrialPopulation } from './trial-population.ts';
import { parseTrialProtocol, protocolHash } from './trial-protocol.ts';
import type { TrialProtocol } from './trial-protocol-schema.ts';

export interface CheckedTrial {
  readonly protocol: TrialProtocol;
  readonly protocolHash: string;
  readonly patients: number;
  readonly shards: number;
  readonly patientDays: number;
}

/**
 * Everything that can be checked before a trial runs: the schema (JSON-path problems) and the
 * population against the data (unknown patient names, empty selections), plus the size of the work.
 * Throws `VitaltwinError` (VT_ERR_VALIDATION) like `parseTrialProtocol`.
 */
export function checkTrialProtocol(json: unknown, data: UvaPadovaData = loadUvaPadovaData()): CheckedTrial {
  const protocol = parseTrialProtocol(json);
  const population = new TrialPopulation(protocol, data);
  return {
    protocol,
    protocolHash: protocolHash(protocol),
    patients: population.size,
    shards: planShards(protocol, population.size).length,
    patientDays: patientDaysOf(protocol, population.size),
  };
}
