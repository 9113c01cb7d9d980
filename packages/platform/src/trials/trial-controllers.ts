import { BasalBolusController, type InsulinController, PidController } from '@vitaltwin/sim';
import type { ControllerSpec } from './trial-protocol-schema.ts';

/** Builds the controller an arm specifies (the spec is already validated and defaulted). */
export function createController(spec: ControllerSpec): InsulinController {
  switch (spec.type) {
    case 'basal-bolus': {
      const { type: _t, ...settings } = spec;
      return new BasalBolusController(settings);
    }
    case 'pid': {
      const { type: _t, ...settings } = spec;
      return new PidController(settings);
    }
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown controller ${String(unreachable)}`);
    }
  }
}
