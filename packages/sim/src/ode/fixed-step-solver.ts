import type { SimProblem } from '../sim-input-error.ts';
import { DormandPrince5Integrator } from './dormand-prince5.ts';
import type { FixedStepIntegrator, FixedStepMethod, FixedStepSolverSettings } from './ode-system.ts';
import { Rk4Integrator } from './rk4.ts';

export const fixedStepMethods: readonly FixedStepMethod[] = ['rk4', 'dopri5'];

/** Creates the integrator named by `method`, with stage buffers for systems up to `maxDimension`. */
export function createFixedStepIntegrator(method: FixedStepMethod, maxDimension: number): FixedStepIntegrator {
  switch (method) {
    case 'rk4':
      return new Rk4Integrator(maxDimension);
    case 'dopri5':
      return new DormandPrince5Integrator(maxDimension);
    default: {
      const unreachable: never = method;
      throw new Error(`unknown fixed-step method ${String(unreachable)}`);
    }
  }
}

/** Problems with solver settings (empty when valid); paths are relative to the settings object. */
export function validateSolverSettings(settings: FixedStepSolverSettings): SimProblem[] {
  const problems: SimProblem[] = [];
  if (!fixedStepMethods.includes(settings.method)) {
    problems.push({ path: 'method', message: `must be one of ${fixedStepMethods.join(', ')}` });
  }
  const s = settings.stepsPerMinute;
  if (!Number.isInteger(s) || s < 1 || s > 1000) problems.push({ path: 'stepsPerMinute', message: 'must be an integer in 1..1000' });
  return problems;
}
