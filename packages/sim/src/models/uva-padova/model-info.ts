import type { CgmSensorParams, InsulinPumpParams } from '../../devices/device-params.ts';
import type { FixedStepSolverSettings } from '../../ode/ode-system.ts';
import type { UvaPadovaParams } from './params.ts';
import type { GlucoseScenario } from './scenario.ts';

/**
 * Identity of this model implementation (house rule 9). Bump `version` whenever a change could alter
 * any trajectory (equations, conventions, default solver, noise generator).
 */
export const uvaPadovaModelInfo = {
  id: 'uva-padova-t1d-2008',
  version: '1.0.0',
  reference:
    'UVA/Padova 2008 T1D model as implemented by simglucose 0.2.11 (github.com/jxx123/simglucose @ a6f6777, T1DPatient); Dalla Man et al. IEEE TBME 54(10) 2007; Kovatchev et al. JDST 3(1) 2009',
  conventions: {
    eatRateGPerMin: 5,
    mealSizeDbar: 'lastQsto + 1000·grams eaten (mg)',
    bg: 'Gp/Vg, plasma, mg/dL',
    inputHold: 'inputs held constant over each 1-minute step',
    noiseGenerator: 'xoshiro128** + Marsaglia polar normals (not NumPy MT19937)',
  },
} as const;

/** Everything needed to reproduce a run exactly: model id/version, parameters, scenario, seed, solver. */
export interface GlucoseRunProvenance {
  readonly model: { readonly id: string; readonly version: string; readonly reference: string };
  readonly patient: string;
  readonly params: UvaPadovaParams;
  readonly scenario: GlucoseScenario;
  readonly seed: number;
  readonly solver: FixedStepSolverSettings;
  readonly sensor: CgmSensorParams | null;
  readonly pump: InsulinPumpParams | null;
}

export function glucoseRunProvenance(
  params: UvaPadovaParams,
  scenario: GlucoseScenario,
  solver: FixedStepSolverSettings,
  devices: { sensor?: CgmSensorParams | undefined; pump?: InsulinPumpParams | undefined } = {},
): GlucoseRunProvenance {
  const { id, version, reference } = uvaPadovaModelInfo;
  return {
    model: { id, version, reference },
    patient: params.name,
    params,
    scenario,
    seed: scenario.seed,
    solver: { method: solver.method, stepsPerMinute: solver.stepsPerMinute },
    sensor: devices.sensor ?? null,
    pump: devices.pump ?? null,
  };
}
