import { describe, expect, it } from 'vitest';
import type { GlucoseScenario } from './scenario.ts';
import { parseGlucoseScenario } from './scenario.ts';
import { allocateGlucoseTrace, type GlucoseTrace, simulateGlucoseScenario } from './simulate-scenario.ts';
import { testPatients } from './test-patients.ts';
import { UvaPadovaModel } from './uva-padova-model.ts';

// Invariants that follow from the model structure (Dalla Man et al. 2007), checked on all 30 patients:
// the published x0 is the basal equilibrium; insulin only enters through X (raises utilisation) and Id
// (lowers EGP), so more insulin can never raise plasma glucose. Carbohydrate only adds Ra >= 0 when the
// whole meal enters in one minute (the GI tract is then scale-invariant in meal size); eaten at 5 g/min
// the larger meal can be transiently lower (see the last block), but its peak and area are higher.

const patients = testPatients.map((p) => [p.name, p] as const);

/** One meal at minute 300 with a fixed 3 U bolus. */
function carbScenario(mealDelivery: 'eat-rate' | 'one-minute', carbsG: number): GlucoseScenario {
  return parseGlucoseScenario({ durationMin: 1440, mealDelivery, meals: [{ minute: 300, carbsG }], boluses: [{ minute: 300, units: 3 }] });
}

function run(model: UvaPadovaModel, scenario: GlucoseScenario): GlucoseTrace {
  const trace = allocateGlucoseTrace(scenario.durationMin);
  simulateGlucoseScenario(model, scenario, trace);
  return trace;
}

describe.each(patients)('%s', (_, params) => {
  const model = new UvaPadovaModel(params);

  it('stays at its basal steady state for 24 h with steady basal and no meals', () => {
    const trace = run(model, parseGlucoseScenario({ durationMin: 1440 }));
    let drift = 0;
    for (let t = 0; t <= 1440; t++) {
      drift = Math.max(drift, Math.abs(trace.bgMgDl[t]! - params.basalGlucoseMgDl), Math.abs(trace.gsubMgDl[t]! - params.basalGlucoseMgDl));
    }
    // Tolerance 0.01 mg/dL over 24 h: x0 is printed with ~9–12 significant digits in the CSV.
    expect(drift).toBeLessThan(0.01);
  });

  it('never has higher BG with more insulin (bolus sizes 0, 1, 3, 6 U at minute 400; basal ×1.3)', () => {
    const base = { durationMin: 1440, meals: [{ minute: 420, carbsG: 60 }] };
    const traces = [0, 1, 3, 6].map((units) => run(model, parseGlucoseScenario({ ...base, boluses: [{ minute: 400, units }] })));
    traces.push(
      run(model, parseGlucoseScenario({ ...base, basal: { uPerMin: 1.3 * model.basalUPerMin }, boluses: [{ minute: 400, units: 6 }] })),
    );
    for (let k = 1; k < traces.length; k++) {
      for (let t = 0; t <= 1440; t++) {
        // Tolerance 1e-9 mg/dL: identical up to the input time, then strictly lower or equal.
        expect(traces[k]!.bgMgDl[t]!).toBeLessThanOrEqual(traces[k - 1]!.bgMgDl[t]! + 1e-9);
      }
    }
  });

  it('never has lower BG with more carbohydrate eaten in one minute (0, 20, 50, 90 g)', () => {
    const traces = [0, 20, 50, 90].map((carbsG) => run(model, carbScenario('one-minute', carbsG)));
    for (let k = 1; k < traces.length; k++) {
      for (let t = 0; t <= 1440; t++) expect(traces[k]!.bgMgDl[t]!).toBeGreaterThanOrEqual(traces[k - 1]!.bgMgDl[t]! - 1e-9);
    }
  });

  it('has a higher glucose peak and area with more carbohydrate eaten at 5 g/min (0, 20, 50, 90, 120 g)', () => {
    const stats = [0, 20, 50, 90, 120].map((carbsG) => {
      const trace = run(model, carbScenario('eat-rate', carbsG));
      let area = 0;
      let peak = 0;
      for (let t = 0; t <= 1440; t++) {
        area += trace.bgMgDl[t]!;
        peak = Math.max(peak, trace.bgMgDl[t]!);
      }
      return { area, peak };
    });
    for (let k = 1; k < stats.length; k++) {
      expect(stats[k]!.area).toBeGreaterThanOrEqual(stats[k - 1]!.area);
      expect(stats[k]!.peak).toBeGreaterThanOrEqual(stats[k - 1]!.peak);
    }
  });
});

describe('eating at 5 g/min is not pointwise monotone in meal size (a model property)', () => {
  it('adult#006: 120 g is transiently lower than 90 g, as an independent solution of the same equations gives', () => {
    // Gastric emptying depends on qsto/Dbar and Dbar keeps growing while a larger meal is still being
    // eaten, so emptying transiently slows. Oracle: SciPy solve_ivp RK45 (rtol = atol = 1e-10, per
    // minute) of glucose-model.md §3–§4 gives BG(90 g) − BG(120 g) = 1.8975 mg/dL at minute 323, the
    // largest gap over the day. Tolerance 0.01 mg/dL.
    const model = new UvaPadovaModel(testPatients.find((p) => p.name === 'adult#006')!);
    const small = run(model, carbScenario('eat-rate', 90));
    const large = run(model, carbScenario('eat-rate', 120));
    expect(Math.abs(small.bgMgDl[323]! - large.bgMgDl[323]! - 1.8975)).toBeLessThan(0.01);
  });
});
