import { VitaltwinError } from '../errors/error-codes.ts';

/**
 * Early-warning charts are written for values as nurses record them: whole numbers for respiratory
 * rate, SpO2, blood pressure and pulse, one decimal for temperature (RCP NEWS2 2017, chart 1 notes).
 * Device streams deliver continuous values, so every score first rounds a value to the charted
 * precision and then applies the bands on that recorded value ("≤ upper bound on the recorded
 * precision", clinical-references.md). Rounding is half-up: 20.5 /min is recorded as 21 and
 * 38.05 °C as 38.1.
 *
 * Values are returned as integers in units of the precision (tenths of a degree for temperature),
 * so that band comparisons are exact integer comparisons and never suffer from binary fractions.
 */

/** Binary floating point cannot hold 38.05 exactly (it is 38.04999…); a tiny slack restores half-up. */
const HALF_UP_SLACK = 1e-9;

/** `value` rounded half-up to an integer (e.g. a recorded pulse). */
export function recordedWhole(value: number): number {
  return Math.floor(value + 0.5 + HALF_UP_SLACK);
}

/** `value` rounded half-up to one decimal, returned in tenths (38.05 → 381). */
export function recordedTenths(value: number): number {
  return Math.floor(value * 10 + 0.5 + HALF_UP_SLACK);
}

/** Domain limits of a score input; values outside are programming or unit errors, not clinical states. */
export interface InputDomain {
  readonly min: number;
  readonly max: number;
}

/**
 * Checks a present input against its domain (finite, within min..max) and throws a
 * `VT_ERR_INVALID_INPUT` naming the input, so a caller can tell which parameter was wrong.
 * Plausibility (artefact) screening is a separate, softer check: see fhir/plausibility-ranges.ts.
 */
export function requireInDomain(score: string, name: string, value: number, domain: InputDomain): void {
  if (!Number.isFinite(value) || value < domain.min || value > domain.max) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${score}: ${name} must be a number from ${domain.min} to ${domain.max}`, [
      { message: `got ${String(value)}`, expression: name },
    ]);
  }
}

/** Null and undefined both mean "not measured". */
export function isMissing(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Sum of the present sub-scores (a lower bound when some are missing). */
export function sumPresent(values: readonly (number | null)[]): { sum: number; complete: boolean } {
  let sum = 0;
  let complete = true;
  for (const v of values) {
    if (v === null) complete = false;
    else sum += v;
  }
  return { sum, complete };
}
