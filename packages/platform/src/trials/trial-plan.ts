import type { TrialProtocol } from './trial-protocol-schema.ts';

/** A shard's place in the plan: patients [patientStart, patientEnd). */
export interface ShardSpec {
  readonly shardIndex: number;
  readonly patientStart: number;
  readonly patientEnd: number;
}

/**
 * Default shard size from the cohort size only (never from the worker count, so the plan — and the
 * files a resumed run finds — are the same however many workers run it): about 100 shards for large
 * cohorts, at least 5 patients and at most 250 per shard.
 */
export function defaultShardSize(patients: number): number {
  return Math.min(250, Math.max(5, Math.ceil(patients / 100)));
}

export function planShards(protocol: TrialProtocol, patients: number): ShardSpec[] {
  const size = protocol.shardSize ?? defaultShardSize(patients);
  const shards: ShardSpec[] = [];
  for (let start = 0, i = 0; start < patients; start += size, i++) {
    shards.push({ shardIndex: i, patientStart: start, patientEnd: Math.min(patients, start + size) });
  }
  return shards;
}

/** Patient-days simulated for a block of patients (warm-up included; one run per arm received). */
export function patientDaysOf(protocol: TrialProtocol, patients: number): number {
  const armsPerPatient = protocol.design === 'crossover' ? protocol.arms.length : 1;
  return patients * armsPerPatient * (protocol.warmupDays + protocol.days);
}
