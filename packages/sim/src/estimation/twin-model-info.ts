import { uvaPadovaModelInfo } from '../models/uva-padova/model-info.ts';

/**
 * Identity of the glucose twin (house rule 9): bump `version` whenever a change could alter an
 * estimate, forecast or what-if result (filter equations, defaults, ensemble sampling).
 */
export const glucoseTwinInfo = {
  id: 'vitaltwin-glucose-twin',
  version: '1.0.0',
  model: { id: uvaPadovaModelInfo.id, version: uvaPadovaModelInfo.version },
  method:
    'UKF (Julier & Uhlmann 1997; Wan & van der Merwe 2000) on the UVA/Padova glucose states with augmented parameters (insulin-sensitivity, carb-effect and meal-speed scales, basal production shift), Gauss–Markov disturbance and CGM error; Monte-Carlo ensemble forecasts',
} as const;
