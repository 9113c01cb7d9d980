import type { ControllerAction, ControllerObservation, ControllerPatient, InsulinController } from './insulin-controller.ts';

/**
 * Open-loop basal–bolus therapy after simglucose's `BBController` (glucose-model.md §6):
 * basal = u2ss·BW/6000 U/min (× `basalScale`); when the previous interval contained a meal,
 * bolus = carbs/CR + [CGM > 150]·(CGM − target)/CF with CR, CF from Quest.csv. The scales express
 * therapy changes: `crScale` multiplies CR (g/U), so 0.8 gives 1/0.8 = 1.25× larger meal boluses;
 * `cfScale` multiplies CF (mg/dL per U), so < 1 gives larger corrections.
 *
 * `correction` chooses the correction policy: `with-meal` (simglucose: only at meal boluses),
 * `none`, or `with-meal-and-high`, which also gives a stand-alone correction (CGM − target)/CF when the
 * CGM exceeds `highCorrectionAboveMgDl` and no bolus was given for `highCorrectionIntervalMin` minutes
 * (a common pump-therapy rule of thumb to avoid insulin stacking). `mealBolus: false` with
 * `correction: 'none'` is basal-only therapy.
 */
export type CorrectionPolicy = 'with-meal' | 'none' | 'with-meal-and-high';

export interface BasalBolusSettings {
  readonly targetMgDl: number;
  readonly correctionAboveMgDl: number;
  readonly crScale: number;
  readonly cfScale: number;
  readonly basalScale: number;
  readonly mealBolus: boolean;
  readonly correction: CorrectionPolicy;
  readonly highCorrectionAboveMgDl: number;
  readonly highCorrectionIntervalMin: number;
}

/** simglucose BBController defaults (target 140, correct above 150) plus neutral scales. */
export const basalBolusDefaults: BasalBolusSettings = Object.freeze({
  targetMgDl: 140,
  correctionAboveMgDl: 150,
  crScale: 1,
  cfScale: 1,
  basalScale: 1,
  mealBolus: true,
  correction: 'with-meal',
  highCorrectionAboveMgDl: 250,
  highCorrectionIntervalMin: 180,
});

export class BasalBolusController implements InsulinController {
  readonly kind = 'basal-bolus';
  readonly settings: BasalBolusSettings;
  private basal = 0;
  private cr = 1;
  private cf = 1;
  private lastBolusMin = Number.NEGATIVE_INFINITY;

  constructor(settings: Partial<BasalBolusSettings> = {}) {
    this.settings = Object.freeze({ ...basalBolusDefaults, ...settings });
  }

  reset(patient: ControllerPatient): void {
    this.basal = patient.basalUPerMin * this.settings.basalScale;
    this.cr = patient.carbRatioGPerU * this.settings.crScale;
    this.cf = patient.correctionFactorMgDlPerU * this.settings.cfScale;
    this.lastBolusMin = Number.NEGATIVE_INFINITY;
  }

  act(obs: ControllerObservation, out: ControllerAction): void {
    const s = this.settings;
    out.basalUPerMin = this.basal;
    let bolus = 0;
    const correctionWanted = obs.cgmMgDl > s.correctionAboveMgDl ? (obs.cgmMgDl - s.targetMgDl) / this.cf : 0;
    if (obs.announcedCarbsG > 0) {
      if (s.mealBolus) bolus += obs.announcedCarbsG / this.cr;
      if (s.correction !== 'none') bolus += correctionWanted;
    } else if (
      s.correction === 'with-meal-and-high' &&
      obs.cgmMgDl > s.highCorrectionAboveMgDl &&
      obs.tMin - this.lastBolusMin >= s.highCorrectionIntervalMin
    ) {
      bolus = (obs.cgmMgDl - s.targetMgDl) / this.cf;
    }
    if (bolus > 0) this.lastBolusMin = obs.tMin;
    out.bolusU = bolus;
  }
}
