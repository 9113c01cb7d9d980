import { createAr2Forecaster } from './ar2.ts';
import type { Forecaster } from './forecaster.ts';
import { type CarbEntry, createOref0Forecaster, type InsulinDose, type Oref0Profile } from './oref0-forecaster.ts';
import { createPersistenceForecaster } from './persistence.ts';

/**
 * The baseline forecasters selectable by id (e.g. `vitaltwin forecast evaluate --forecasters
 * persistence,ar2,oref0`). Callers that own more forecasters (the twin) extend the table with their
 * own factories: `{ ...baselineForecasterFactories, twin: (ctx) => ... }`.
 */
export interface ForecasterContext {
  /** Treatment logs in the series' time base (minutes). */
  readonly insulin?: readonly InsulinDose[];
  readonly carbs?: readonly CarbEntry[];
  /** Therapy settings for forecasters that need them; a generic adult profile is used otherwise. */
  readonly oref0Profile?: Oref0Profile;
}

export type ForecasterFactory = (context: ForecasterContext) => Forecaster;

/**
 * Generic adult settings used when none are given: ISF 50 mg/dL/U, carb ratio 10 g/U, oref0
 * rapid-acting curve. Without treatment logs only the carb-ratio-derived cap on carb impact
 * (30 g/h) depends on them.
 */
export const defaultOref0Profile: Oref0Profile = { isfMgDlPerU: 50, carbRatioGPerU: 10 };

export const baselineForecasterFactories: Readonly<Record<string, ForecasterFactory>> = Object.freeze({
  persistence: () => createPersistenceForecaster(),
  ar2: () => createAr2Forecaster(),
  oref0: (ctx: ForecasterContext) =>
    createOref0Forecaster({
      profile: ctx.oref0Profile ?? defaultOref0Profile,
      ...(ctx.insulin ? { insulin: ctx.insulin } : {}),
      ...(ctx.carbs ? { carbs: ctx.carbs } : {}),
    }),
});

/** Creates forecasters by id; unknown ids raise a RangeError naming the known ones. */
export function createForecasters(
  ids: readonly string[],
  context: ForecasterContext = {},
  factories: Readonly<Record<string, ForecasterFactory>> = baselineForecasterFactories,
): Forecaster[] {
  return ids.map((id) => {
    const factory = Object.hasOwn(factories, id) ? factories[id] : undefined;
    if (!factory) throw new RangeError(`unknown forecaster "${id}"; known: ${Object.keys(factories).join(', ')}`);
    return factory(context);
  });
}
