import type { ForecastEvaluation, HorizonEvaluation } from './evaluate-forecasts.ts';

/**
 * Cohort summary of per-subject evaluations: "report per-patient then averaged"
 * (clinical-references, "How glucose forecasts are judged"). Each metric is the unweighted mean
 * over the subjects that have at least one scored pair at that horizon; `n` and `missingForecasts`
 * are totals. All evaluations must use the same forecasters and horizons, in the same order.
 */
export interface AveragedHorizonEvaluation extends HorizonEvaluation {
  /** Subjects that contributed to the mean. */
  readonly subjects: number;
}

export interface AveragedForecasterEvaluation {
  readonly id: string;
  readonly intervalLevel?: number;
  readonly horizons: AveragedHorizonEvaluation[];
}

export function averageForecastEvaluations(evaluations: readonly ForecastEvaluation[]): AveragedForecasterEvaluation[] {
  const first = evaluations[0];
  if (!first) return [];
  return first.forecasters.map((fc, f) => ({
    id: fc.id,
    ...(fc.intervalLevel !== undefined ? { intervalLevel: fc.intervalLevel } : {}),
    horizons: fc.horizons.map((hz, h) => {
      const items: HorizonEvaluation[] = evaluations.map((e) => {
        const item = e.forecasters[f]?.horizons[h];
        if (!item || e.forecasters[f]!.id !== fc.id || item.horizonMin !== hz.horizonMin) {
          throw new RangeError('evaluations to average must share forecasters and horizons');
        }
        return item;
      });
      const scored = items.filter((x) => x.n > 0);
      const mean = (pick: (x: HorizonEvaluation) => number): number => {
        const vals = scored.map(pick).filter((v) => Number.isFinite(v));
        return vals.length > 0 ? vals.reduce((a, b) => a + b, 0) / vals.length : Number.NaN;
      };
      return {
        horizonMin: hz.horizonMin,
        subjects: scored.length,
        n: items.reduce((a, x) => a + x.n, 0),
        missingForecasts: items.reduce((a, x) => a + x.missingForecasts, 0),
        rmseMgDl: mean((x) => x.rmseMgDl),
        maeMgDl: mean((x) => x.maeMgDl),
        mardPercent: mean((x) => x.mardPercent),
        biasMgDl: mean((x) => x.biasMgDl),
        clarkePercent: {
          A: mean((x) => x.clarkePercent.A),
          B: mean((x) => x.clarkePercent.B),
          C: mean((x) => x.clarkePercent.C),
          D: mean((x) => x.clarkePercent.D),
          E: mean((x) => x.clarkePercent.E),
        },
        nInterval: items.reduce((a, x) => a + x.nInterval, 0),
        coverage: mean((x) => x.coverage),
        meanIntervalWidthMgDl: mean((x) => x.meanIntervalWidthMgDl),
      };
    }),
  }));
}
