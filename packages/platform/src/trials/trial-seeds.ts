import { mixSeed } from '@vitaltwin/sim';
import type { TrialProtocol } from './trial-protocol-schema.ts';

/**
 * Seed derivation of a trial: every random stream is a pure function of the protocol seed and its
 * coordinates, never of the worker, shard or order of execution — results are byte-identical for any
 * worker count. Streams are separated by a stream id; the arm enters the meal and sensor seeds only
 * without common random numbers, so that in a crossover with CRN (default) every arm of a patient sees
 * the same meals and the same sensor noise on the same day.
 */
export const seedStreams = { meals: 1, sensor: 2, allocation: 3, bootstrap: 4 } as const;

function armCoordinate(protocol: TrialProtocol, armIndex: number): number {
  return protocol.commonRandomNumbers && protocol.design === 'crossover' ? 0 : armIndex + 1;
}

export function mealSeed(protocol: TrialProtocol, patientIndex: number, armIndex: number, day: number): number {
  return mixSeed(protocol.seed, seedStreams.meals, patientIndex, day, armCoordinate(protocol, armIndex));
}

export function sensorSeed(protocol: TrialProtocol, patientIndex: number, armIndex: number, day: number): number {
  return mixSeed(protocol.seed, seedStreams.sensor, patientIndex, day, armCoordinate(protocol, armIndex));
}

export function bootstrapSeed(protocol: TrialProtocol, comparisonIndex: number, endpointIndex: number): number {
  return mixSeed(protocol.seed, seedStreams.bootstrap, comparisonIndex, endpointIndex);
}
