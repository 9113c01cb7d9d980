/**
 * The same meals every day (e.g. the classic 50/70/80 g at 07:00, 12:00, 19:00 used for the reference
 * trajectory, glucose-model.md §9). Writes the day into a caller-owned per-minute buffer like
 * `RandomMealScenario.writeDay`; the seed is ignored.
 */
export interface FixedMeal {
  readonly minuteOfDay: number;
  readonly carbsG: number;
}

export class FixedMealScenario {
  readonly meals: readonly FixedMeal[];

  constructor(meals: readonly FixedMeal[]) {
    for (const m of meals) {
      if (!Number.isInteger(m.minuteOfDay) || m.minuteOfDay < 0 || m.minuteOfDay > 1439)
        throw new RangeError('minuteOfDay must be an integer in 0..1439');
      if (!(m.carbsG >= 0)) throw new RangeError('carbsG must be >= 0');
    }
    this.meals = meals;
  }

  writeDay(_seed: number, announcedCarbsG: Float64Array): number {
    announcedCarbsG.fill(0, 0, 1440);
    let total = 0;
    for (const m of this.meals) {
      announcedCarbsG[m.minuteOfDay] = announcedCarbsG[m.minuteOfDay]! + m.carbsG;
      total += m.carbsG;
    }
    return total;
  }
}

/** Anything that writes one day's announced carbohydrate per minute for a seed. */
export interface DailyMealPlan {
  writeDay(seed: number, announcedCarbsG: Float64Array): number;
}
