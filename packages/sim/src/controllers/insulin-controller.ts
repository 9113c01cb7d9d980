/**
 * The contract between the control loop and an insulin-dosing algorithm. Every `intervalMin` minutes
 * (the CGM sample time, as simglucose's env step) the loop hands the controller the latest CGM reading
 * and the carbohydrate announced since the previous decision, and the controller writes the basal rate
 * and the bolus to deliver over the next interval into a caller-owned action (no allocation).
 *
 * As in simglucose (`BBController.policy` reads the meal from the previous step's info), a meal
 * announced in the interval [t − Δ, t) is seen at the decision at t, so its bolus starts one interval
 * after the announcement.
 */
export interface ControllerPatient {
  /** Steady-state basal u2ss·BW/6000 [U/min]. */
  readonly basalUPerMin: number;
  /** CR: grams covered by 1 U (Quest.csv). */
  readonly carbRatioGPerU: number;
  /** CF: mg/dL lowered by 1 U (Quest.csv). */
  readonly correctionFactorMgDlPerU: number;
  /** TDI: total daily insulin [U/day] (Quest.csv). */
  readonly totalDailyInsulinU: number;
  readonly bodyWeightKg: number;
}

export interface ControllerObservation {
  /** Minutes since the start of the run (not of the day). */
  tMin: number;
  cgmMgDl: number;
  /** Carbohydrate announced during the previous interval [g]. */
  announcedCarbsG: number;
  /** Minutes until the next decision. */
  intervalMin: number;
}

export interface ControllerAction {
  /** Requested basal rate for the next interval [U/min] (the pump quantises and clips it). */
  basalUPerMin: number;
  /** Bolus [U], delivered evenly over the next interval. */
  bolusU: number;
}

export interface InsulinController {
  /** Stable name for provenance, e.g. `basal-bolus` or `pid`. */
  readonly kind: string;
  /** Starts a new patient (clears every internal state). */
  reset(patient: ControllerPatient): void;
  act(observation: ControllerObservation, out: ControllerAction): void;
}
