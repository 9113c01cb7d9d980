import { NormalSampler } from '../random/normal-sampler.ts';
import { Xoshiro128StarStar } from '../random/xoshiro128.ts';

/**
 * Random daily meal plans after simglucose's `RandomScenario` (`simulation/scenario_gen.py`; restated in
 * glucose-model.md §6): six candidate meals per day — breakfast, snack, lunch, snack, dinner, snack —
 * each eaten with its probability, at a time drawn from a normal distribution truncated to the meal's
 * window and rounded to the minute, with an amount drawn from a normal distribution, rounded to whole
 * grams and floored at 0.
 *
 * Draws come from the seeded xoshiro128** generator (not NumPy's MT19937), so plans are reproducible
 * from a seed but not identical to simglucose's. Truncation is by rejection (the windows are ≥ ±1 SD
 * wide, so acceptance is ≥ 68 %), with the window mid-point as a fallback after 1000 rejections.
 */
export interface MealSlot {
  readonly name: string;
  readonly probability: number;
  readonly timeMeanMin: number;
  readonly timeSdMin: number;
  readonly timeMinMin: number;
  readonly timeMaxMin: number;
  readonly carbsMeanG: number;
  readonly carbsSdG: number;
}

const h = 60;

/** simglucose RandomScenario table: probabilities, time means/SDs/windows (min of day), amounts (g). */
export const simglucoseMealSlots: readonly MealSlot[] = Object.freeze([
  {
    name: 'breakfast',
    probability: 0.95,
    timeMeanMin: 7 * h,
    timeSdMin: 60,
    timeMinMin: 5 * h,
    timeMaxMin: 9 * h,
    carbsMeanG: 45,
    carbsSdG: 10,
  },
  {
    name: 'morning snack',
    probability: 0.3,
    timeMeanMin: 9.5 * h,
    timeSdMin: 30,
    timeMinMin: 9 * h,
    timeMaxMin: 10 * h,
    carbsMeanG: 10,
    carbsSdG: 5,
  },
  {
    name: 'lunch',
    probability: 0.95,
    timeMeanMin: 12 * h,
    timeSdMin: 60,
    timeMinMin: 10 * h,
    timeMaxMin: 14 * h,
    carbsMeanG: 70,
    carbsSdG: 10,
  },
  {
    name: 'afternoon snack',
    probability: 0.3,
    timeMeanMin: 15 * h,
    timeSdMin: 30,
    timeMinMin: 14 * h,
    timeMaxMin: 16 * h,
    carbsMeanG: 10,
    carbsSdG: 5,
  },
  {
    name: 'dinner',
    probability: 0.95,
    timeMeanMin: 18 * h,
    timeSdMin: 60,
    timeMinMin: 16 * h,
    timeMaxMin: 20 * h,
    carbsMeanG: 80,
    carbsSdG: 10,
  },
  {
    name: 'evening snack',
    probability: 0.3,
    timeMeanMin: 21.5 * h,
    timeSdMin: 30,
    timeMinMin: 20 * h,
    timeMaxMin: 23 * h,
    carbsMeanG: 10,
    carbsSdG: 5,
  },
]);

/** Problems with a meal table (paths relative to the table); empty when valid. */
export function validateMealSlots(slots: readonly MealSlot[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  slots.forEach((s, i) => {
    const at = `[${i}]`;
    if (!(s.probability >= 0 && s.probability <= 1)) problems.push({ path: `${at}.probability`, message: 'must be in [0, 1]' });
    if (!(s.timeMinMin >= 0 && s.timeMaxMin <= 1439 && s.timeMinMin <= s.timeMaxMin)) {
      problems.push({ path: `${at}.timeMaxMin`, message: 'window must satisfy 0 <= min <= max <= 1439 minutes of day' });
    }
    if (!(s.timeSdMin >= 0)) problems.push({ path: `${at}.timeSdMin`, message: 'must be >= 0' });
    if (!(s.carbsMeanG >= 0)) problems.push({ path: `${at}.carbsMeanG`, message: 'must be >= 0' });
    if (!(s.carbsSdG >= 0)) problems.push({ path: `${at}.carbsSdG`, message: 'must be >= 0' });
  });
  return problems;
}

/**
 * Generates one day's meals per seed. Allocation-free per day: the plan is written into a caller-owned
 * per-minute buffer of announced grams (length ≥ 1440), zeroed first; meals landing in the same minute add.
 */
export class RandomMealScenario {
  readonly slots: readonly MealSlot[];
  private readonly rng = new Xoshiro128StarStar(0);
  private readonly normal = new NormalSampler(this.rng);

  constructor(slots: readonly MealSlot[] = simglucoseMealSlots) {
    this.slots = slots;
  }

  /** Fills `announcedCarbsG[0..1439]` with the day's meals for `seed`; returns the day's total grams. */
  writeDay(seed: number, announcedCarbsG: Float64Array): number {
    this.rng.reseed(seed);
    this.normal.reset();
    announcedCarbsG.fill(0, 0, 1440);
    let total = 0;
    for (const s of this.slots) {
      if (!(this.rng.nextFloat64() < s.probability)) continue;
      const minute = this.truncatedTime(s);
      const grams = Math.max(Math.round(s.carbsMeanG + s.carbsSdG * this.normal.next()), 0);
      announcedCarbsG[minute] = announcedCarbsG[minute]! + grams;
      total += grams;
    }
    return total;
  }

  private truncatedTime(s: MealSlot): number {
    if (s.timeSdMin === 0) return Math.round(Math.min(Math.max(s.timeMeanMin, s.timeMinMin), s.timeMaxMin));
    for (let i = 0; i < 1000; i++) {
      const t = s.timeMeanMin + s.timeSdMin * this.normal.next();
      if (t >= s.timeMinMin && t <= s.timeMaxMin) return Math.round(t);
    }
    return Math.round((s.timeMinMin + s.timeMaxMin) / 2);
  }
}
